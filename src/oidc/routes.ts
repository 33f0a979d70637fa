/**
 * OpenID Connect in the twofold server: the provider mounted at /oidc (discovery, authorize, token, JWKS,
 * userinfo, revocation, end session), and the sign-in steps of an app's request at /authorize/:uid —
 * twofold's own pages: password and second factor (the normal sign-in), org enforcement, re-authentication
 * for max_age / prompt=login, a second-factor step-up for acr_values=urn:twofold:aal2, and consent.
 *
 * The steps end on a "Continuing to the app" page that moves on by <meta http-equiv="refresh">: the
 * browser would refuse a form post that ends in a redirect to the app's site under our CSP form-action.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { Ctx } from '../context.ts';
import { audit } from '../context.ts';
import { AppError } from '../errors.ts';
import { meta } from '../http/request.ts';
import { issueSessionCookie } from '../http/request.ts';
import { CONTINUE_COOKIE, setCookie } from '../http/cookies.ts';
import { params } from '../http/schema.ts';
import type { CurrentSession } from '../sessions/service.ts';
import { listFactors, proofFrom } from '../factors/index.ts';
import { factorOverview } from '../factors/overview.ts';
import { reauthenticate } from '../flows/reauthenticate.ts';
import { findClient, type ClientView } from './clients.ts';
import { loadProvider, pinToPublicUrl } from './provider.ts';
import { acrOf, authTimeOf, OIDC_PATH, reportedAmr, wantsAal2 } from './assurance.ts';
import { meetsAal2 } from '../core/assurance-level.ts';
import { signingKeysVersion } from './keys.ts';
import {
  continuePage,
  confirmPage,
  consentPage,
  enrolPage,
  notMemberPage,
  otherAccountPage,
  stepUpPage,
  suspendedPage,
} from './interaction-views.ts';
import { decideInteraction, type Outcome } from './interaction-checks.ts';
import { appAccess } from './access.ts';
import { pageFrame } from '../pages/page.ts';
import { WEBAUTHN_SCRIPT } from '../factors/passkey/views.ts';
import { giveConsent, type MissingConsent } from '../flows/oidc-consent.ts';
import { orgNameOf } from '../orgs/service.ts';
import { requestTranslator } from '../http/locale.ts';
import { pageBrand } from '../branding/store.ts';
import type { T } from '../i18n/index.ts';
import type { Html } from '../core/html.ts';

/** Running instances check for a rotated signing key this often. */
const KEY_CHECK_SECONDS = 60;

export interface OidcHolder {
  current(): Promise<Provider>;
  /** Rebuilds the provider when the signing keys changed (also done by itself once a minute). */
  refresh(): Promise<void>;
}

export function oidcHolder(ctx: Ctx): OidcHolder {
  let state: Promise<{ provider: Provider; version: string; checkedAt: number }> | null = null;
  const build = async () => ({ ...(await loadProvider(ctx)), checkedAt: Date.now() });
  const holder: OidcHolder = {
    async current() {
      state ??= build().catch((error: unknown) => {
        state = null;
        throw error;
      });
      const loaded = await state;
      if (Date.now() - loaded.checkedAt > KEY_CHECK_SECONDS * 1000) {
        loaded.checkedAt = Date.now();
        void holder.refresh().catch(() => {});
      }
      return loaded.provider;
    },
    async refresh() {
      const loaded = state ? await state : null;
      const version = await signingKeysVersion(ctx);
      if (!loaded || loaded.version !== version) state = build();
      await state;
    },
  };
  return holder;
}

declare module 'fastify' {
  interface FastifyInstance {
    oidc: OidcHolder;
  }
}

interface Details {
  uid: string;
  prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
  result?: { twofold?: { startedAt?: string } };
}

const SENT = new Set(['sms', 'voice']);
const EXPIRED = { key: 'apps:errors.expired' } as const;

/** The app's `ui_locales` (OpenID Connect Core §3.1.2.1): the pages' language when the person chose none. */
function uiLocalesOf(details: Details): string | null {
  const value = details.params.ui_locales;
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

export async function oidcRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const oidc = app.oidc;

  // The provider answers everything under /oidc itself, before Fastify reads the body.
  const mount = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const provider = await oidc.current();
    reply.hijack();
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    const url = raw.url ?? OIDC_PATH;
    raw.originalUrl = url;
    raw.url = url.slice(OIDC_PATH.length) || '/';
    pinToPublicUrl(ctx.config, raw, request.ip);
    reply.raw.setHeader('x-request-id', request.id);
    reply.raw.setHeader('X-Content-Type-Options', 'nosniff');
    reply.raw.setHeader('X-Frame-Options', 'DENY');
    reply.raw.setHeader('Referrer-Policy', 'no-referrer');
    await provider.callback()(raw, reply.raw);
  };
  const methods = ['GET', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'] as const;
  for (const url of [OIDC_PATH, `${OIDC_PATH}/*`]) {
    app.route({
      method: [...methods],
      url,
      config: { public: true },
      onRequest: mount,
      handler: async () => undefined,
    });
  }

  async function interaction(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ provider: Provider; details: Details; client: ClientView }> {
    const provider = await oidc.current();
    let details: Details;
    try {
      details = (await provider.interactionDetails(request.raw, reply.raw)) as unknown as Details;
    } catch {
      throw new AppError('challenge_expired', EXPIRED);
    }
    const { uid } = request.params as { uid: string };
    if (details.uid !== uid) throw new AppError('challenge_expired', EXPIRED);
    const client = await findClient(ctx.db, String(details.params.client_id ?? ''));
    if (!client) throw new AppError('not_found', { key: 'apps:errors.appGone' });
    return { provider, details, client };
  }

  /** Saves the result and shows the page that moves on to the provider (and from there to the app). */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    provider: Provider,
    details: Details,
    client: ClientView,
    result: InteractionResults,
  ) {
    const returnTo = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    return reply
      .status(200)
      .type('text/html; charset=utf-8')
      .send(
        continuePage(
          requestTranslator(request, { uiLocales: uiLocalesOf(details) }),
          ctx.config.productName,
          client.name,
          returnTo,
          result.error !== undefined,
          await pageBrand(ctx, client.orgId),
        ).value,
      );
  }

  function loginResult(session: CurrentSession): InteractionResults {
    const amr = reportedAmr(session.amr);
    return {
      login: { accountId: session.userId, ts: authTimeOf(session), amr, acr: acrOf(session.amr), remember: true },
    };
  }

  const orgName = (client: ClientView): Promise<string> => orgNameOf(ctx, client.orgId);

  /** One of the request's pages, in the app's org's look and (when the person chose none) its ui_locales. */
  async function show(
    page: { readonly details: Details; readonly client: ClientView },
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    title: (t: T) => string,
    body: (t: T, csrf: string) => Html,
    scripts: string[] = [],
  ) {
    const frame = await pageFrame(ctx, request, reply, {
      org: page.client.orgId,
      uiLocales: uiLocalesOf(page.details),
    });
    return frame.send(status, title(frame.t), body(frame.t, frame.csrf), scripts);
  }

  /** Gathers what the ordered checks need and runs them (src/oidc/interaction-checks.ts). */
  async function decide(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{
    provider: Provider;
    details: Details;
    client: ClientView;
    session: CurrentSession | null;
    outcome: Outcome;
  }> {
    const { provider, details, client } = await interaction(request, reply);
    if (details.prompt.name !== 'login' && details.prompt.name !== 'consent') {
      throw new AppError('invalid_request', { key: 'apps:errors.stepUnsupported' });
    }
    // When this request's sign-in steps began, by twofold's clock: a sign-in or confirmation after it
    // satisfies prompt=login and max_age.
    let startedAt = details.result?.twofold?.startedAt;
    const asksFreshProof =
      String(details.params.prompt ?? '')
        .split(' ')
        .includes('login') || details.params.max_age !== undefined;
    if (!startedAt && details.prompt.name === 'login' && asksFreshProof) {
      startedAt = ctx.clock().toISOString();
      await provider.interactionResult(
        request.raw,
        reply.raw,
        { twofold: { startedAt } },
        { mergeWithLastSubmission: false },
      );
    }
    const full = request.session;
    const session = full && full.kind === 'full' && !full.apiKey ? full : null;
    const asksAal2 = session !== null && wantsAal2(details.params) && !meetsAal2(session.amr);
    const { outcome } = decideInteraction({
      prompt: details.prompt.name,
      reasons: details.prompt.reasons,
      params: details.params,
      providerAccountId: details.session?.accountId,
      session,
      access: session ? await appAccess(ctx, session.userId, client.orgId) : null,
      startedAt,
      now: ctx.clock(),
      ...(asksAal2 ? { hasAal2Factor: (await listFactors(ctx, session.userId)).some(isAal2Factor) } : {}),
    });
    return { provider, details, client, session, outcome };
  }

  /** Shows the step the checks decided on, or — every check passed — completes the sign-in for the app. */
  async function step(request: FastifyRequest, reply: FastifyReply, error: AppError | null = null): Promise<unknown> {
    const { provider, details, client, session, outcome } = await decide(request, reply);
    const here = `/authorize/${details.uid}`;
    const uiLocales = uiLocalesOf(details);
    if (outcome === 'sign_in' || !session)
      return reply.redirect(
        `/sign-in?org=${encodeURIComponent(client.orgId)}&next=${encodeURIComponent(`${here}?continue=1`)}${uiLocales ? `&ui_locales=${encodeURIComponent(uiLocales)}` : ''}`,
        303,
      );
    const page = { details, client };
    const noAccess = (t: T) => t('apps:shared.noAccess');
    const sent = String((request.query as { sent?: string }).sent ?? '');
    const sentVia = SENT.has(sent) ? sent : null;
    switch (outcome) {
      case 'not_member': {
        const org = await orgName(client);
        return show(page, request, reply, 403, noAccess, (t, csrf) =>
          notMemberPage(t, client.name, org, session.user.email, here, csrf),
        );
      }
      case 'suspended':
        return show(page, request, reply, 403, noAccess, (t, csrf) =>
          suspendedPage(t, client.name, session.user.email, here, csrf),
        );
      case 'other_account':
        // The app asked for a particular account (id_token_hint, already verified by the provider), and this
        // browser is signed in to another one: finishing would only bring the request back here.
        return show(
          page,
          request,
          reply,
          409,
          (t) => t('apps:interaction.otherAccountTitle'),
          (t, csrf) => otherAccountPage(t, client.name, session.user.email, here, csrf),
        );
      case 'enrol_required_by_org':
      case 'enrol_for_two_factors': {
        setCookie(reply, ctx.config, CONTINUE_COOKIE, here, 60 * 60);
        const byOrg = outcome === 'enrol_required_by_org';
        return show(
          page,
          request,
          reply,
          403,
          (t) => t(byOrg ? 'apps:interaction.enrolTitle' : 'apps:interaction.enrolRequiredTitle'),
          (t, csrf) => enrolPage(t, client.name, byOrg, here, csrf),
        );
      }
      case 'confirm_it_is_you': {
        const data = await factorOverview(ctx, session.userId);
        return show(
          page,
          request,
          reply,
          error?.status ?? 200,
          (t) => t('apps:interaction.confirmTitle'),
          (t, csrf) => confirmPage(t, client.name, data, here, csrf, sentVia, error ? t.error(error) : null),
          [WEBAUTHN_SCRIPT],
        );
      }
      case 'second_factor': {
        // Only the factors an app accepts as a second one (an emailed code is not: meetsAal2).
        const all = await factorOverview(ctx, session.userId);
        const data = { ...all, factors: all.factors.filter(isAal2Factor) };
        return show(
          page,
          request,
          reply,
          error?.status ?? 200,
          (t) => t('apps:interaction.stepUpTitle'),
          (t, csrf) => stepUpPage(t, client.name, data, here, csrf, sentVia, error ? t.error(error) : null),
          [WEBAUTHN_SCRIPT],
        );
      }
      case 'consent': {
        const missing = details.prompt.details as { missingOIDCScope?: string[] };
        const org = await orgName(client);
        return show(
          page,
          request,
          reply,
          200,
          (t) => t('apps:interaction.consentTitle', { app: client.name }),
          (t, csrf) => consentPage(t, client.name, org, session.user.email, missing.missingOIDCScope ?? [], here, csrf),
        );
      }
      case 'signed_in': {
        await audit(ctx, meta(request), {
          event: 'oidc.signed_in',
          actorUserId: session.userId,
          targetUserId: session.userId,
          orgId: client.orgId,
          details: { clientId: client.clientId, acr: acrOf(session.amr), amr: reportedAmr(session.amr).join(' ') },
        });
        if ((request.query as { continue?: string }).continue === '1' || request.method === 'POST')
          return finish(request, reply, provider, details, client, loginResult(session));
        const returnTo = await provider.interactionResult(request.raw, reply.raw, loginResult(session), {
          mergeWithLastSubmission: false,
        });
        return reply.redirect(returnTo, 303);
      }
    }
  }

  const uidParams = { params: params(['uid']) };

  app.get('/authorize/:uid', { schema: uidParams, config: { enrolment: true } }, async (request, reply) =>
    step(request, reply),
  );

  /** The person's proof inside an app's request: password (+ factor) for a fresh sign-in, or a factor for step-up. */
  async function prove(request: FastifyRequest, reply: FastifyReply, kind: 'confirm' | 'step-up') {
    const { client, session, outcome } = await decide(request, reply);
    // A proof is taken only for the step the checks ask for; anything else shows what they decided.
    if (!session || outcome !== (kind === 'confirm' ? 'confirm_it_is_you' : 'second_factor'))
      return step(request, reply);
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    if (kind === 'step-up' && body.method === 'email')
      return step(
        request,
        reply,
        new AppError('invalid_request', { key: 'apps:errors.emailNotSecondFactor', values: { app: client.name } }),
      );
    const code = String(body.code ?? '').slice(0, 4096);
    try {
      const done = await reauthenticate(
        ctx,
        { session, meta: meta(request) },
        {
          password: kind === 'confirm' ? String(body.password ?? '').slice(0, 1024) : null,
          proof: code ? proofFrom(String(body.method ?? 'totp'), code) : null,
        },
        {
          kind: 'app',
          step: kind === 'confirm' ? 'confirm' : 'step_up',
          orgId: client.orgId,
          clientId: client.clientId,
        },
      );
      issueSessionCookie(ctx, reply, done.token, session.remember);
      request.session = done.session;
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
        return step(request, reply, error);
      }
      throw error;
    }
    return step(request, reply);
  }

  app.post('/authorize/:uid/confirm', { schema: uidParams }, async (request, reply) =>
    prove(request, reply, 'confirm'),
  );
  app.post('/authorize/:uid/step-up', { schema: uidParams }, async (request, reply) =>
    prove(request, reply, 'step-up'),
  );

  app.post('/authorize/:uid/consent', { schema: uidParams }, async (request, reply) => {
    const { provider, details, client, session, outcome } = await decide(request, reply);
    // Consent is saved only when every check passes up to the consent itself; otherwise show what stops it.
    if (outcome !== 'consent' || !session) return step(request, reply);
    const grantId = await giveConsent(
      ctx,
      { session, meta: meta(request) },
      { grants: provider.Grant, grantId: details.grantId, client, missing: details.prompt.details as MissingConsent },
    );
    return finish(request, reply, provider, details, client, { consent: { grantId } });
  });

  app.post('/authorize/:uid/abort', { schema: uidParams }, async (request, reply) => {
    const { provider, details, client } = await interaction(request, reply);
    return finish(request, reply, provider, details, client, {
      error: 'access_denied',
      error_description: 'The user cancelled the sign-in.',
    });
  });
}

/** A factor an app accepts as a second one: anything but email codes (src/core/assurance-level.ts). */
function isAal2Factor(factor: { readonly type: string }): boolean {
  return factor.type !== 'email';
}
