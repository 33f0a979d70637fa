/**
 * The OpenID Connect provider (oidc-provider, OpenID Certified) configured for twofold: clients from the
 * orgs' app registrations, storage in the database, signing keys from the key store, and login/consent
 * handled by twofold's own pages (src/oidc/routes.ts, markup in src/oidc/interaction-views.ts).
 *
 * Sessions are shared: a provider session is only honoured while the twofold session behind it is live,
 * for the same user, with the same methods and the same authentication time (`twofold_session` check).
 */
import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Ctx } from '../context.ts';
import type { Config } from '../config/index.ts';
import { constantTimeEqual } from '../crypto/index.ts';
import { cookieNames } from '../http/cookies.ts';
import { findSession, revokeSession, type CurrentSession } from '../sessions/service.ts';
import { audit } from '../context.ts';
import { databaseAdapter, findGrantId } from './adapter.ts';
import { queueLogouts } from './backchannel.ts';
import { findClient, previousSecretHash, secretHashes } from './clients.ts';
import { loadSigningKeys, type SigningKeySet } from './keys.ts';
import { OIDC_TTL } from '../config/defaults.ts';
import { accountClaims } from './claims.ts';
import { appAccess } from './access.ts';
import { contentSecurityPolicy } from '../http/headers.ts';
import { logoutPage, oidcErrorPage, signedOutPage } from './views.ts';
import { translator, validTimeZone, type T } from '../i18n/index.ts';
import { negotiateLocale } from '../i18n/negotiate.ts';
import { LANGUAGE_COOKIE } from '../http/locale.ts';

import { ACR, authTimeOf, issuerOf, reportedAmr, wantsAal2 } from './assurance.ts';

/**
 * The language of a page the provider itself shows, in src/i18n/negotiate.ts's order: the signed-in person's
 * saved preference, this browser's choice, the app's ui_locales, Accept-Language. A failed session read (the
 * database is what failed) only loses the saved preference.
 */
async function koaTranslator(ctx: Ctx, koa: KoaContextWithOIDC): Promise<T> {
  const params = koa.oidc?.params as { ui_locales?: unknown } | undefined;
  const user = await twofoldSession(ctx, koa).then(
    (session) => session?.user ?? null,
    () => null,
  );
  return translator(
    negotiateLocale({
      saved: user?.locale ?? null,
      chosen: koa.cookies.get(LANGUAGE_COOKIE, { signed: false }) ?? null,
      uiLocales: typeof params?.ui_locales === 'string' ? params.ui_locales : null,
      acceptLanguage: koa.get('accept-language'),
    }),
    validTimeZone(user?.timeZone),
  );
}

/** The library, loaded when the server first needs it (commands that never serve do not load it). */
type ProviderModule = typeof import('oidc-provider');

/** The live twofold session of the browser making a provider request (cached on the request). */
export async function twofoldSession(ctx: Ctx, koa: KoaContextWithOIDC): Promise<CurrentSession | null> {
  const state = koa.state as { twofoldSession?: CurrentSession | null };
  if (state.twofoldSession !== undefined) return state.twofoldSession;
  const token = koa.cookies.get(cookieNames(ctx.config).session, { signed: false });
  state.twofoldSession = token ? await findSession(ctx, token) : null;
  return state.twofoldSession;
}

function loginPolicy(ctx: Ctx, library: ProviderModule) {
  const { Check, base } = library.interactionPolicy;
  const policy = base();
  const login = policy.get('login')!;
  login.checks.add(
    new Check('twofold_session', 'The twofold session does not match', async (koa) => {
      const oidc = koa.oidc;
      if (!oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
      const session = await twofoldSession(ctx, koa);
      if (!session || session.kind !== 'full' || session.userId !== oidc.session.accountId) return Check.REQUEST_PROMPT;
      if (oidc.session.loginTs !== authTimeOf(session)) return Check.REQUEST_PROMPT;
      if (reportedAmr(session.amr).join(' ') !== [...(oidc.session.amr ?? [])].sort().join(' '))
        return Check.REQUEST_PROMPT;
      return Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  // The app-access rule (src/oidc/access.ts) on every authorization request, so that an existing provider
  // session (prompt=none, or a grant given earlier) never skips it: a refusal sends the request to the
  // interaction, where twofold's pages say why (or, with prompt=none, the app gets login_required).
  login.checks.add(
    new Check('twofold_access', 'The account may not sign in to this app', async (koa) => {
      const oidc = koa.oidc;
      if (!oidc.session?.accountId || !oidc.client) return Check.NO_NEED_TO_PROMPT;
      const client = await findClient(ctx.db, oidc.client.clientId);
      if (!client) return Check.REQUEST_PROMPT;
      return (await appAccess(ctx, oidc.session.accountId, client.orgId)).allowed
        ? Check.NO_NEED_TO_PROMPT
        : Check.REQUEST_PROMPT;
    }),
    1,
  );
  login.checks.add(
    new Check('aal2_required', 'Two-factor authentication is required', (koa) => {
      const oidc = koa.oidc;
      if (!wantsAal2(oidc.params as Record<string, unknown>, oidc.claims as never)) return Check.NO_NEED_TO_PROMPT;
      return oidc.acr === ACR.aal2 ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

export function providerConfiguration(ctx: Ctx, keys: SigningKeySet, library: ProviderModule): Configuration {
  return {
    adapter: databaseAdapter(ctx.db, library.errors),
    clients: [],
    findAccount: (koa, sub, token) => accountClaims(ctx, koa, sub, token as { clientId?: string } | undefined),
    claims: {
      // How and when the user authenticated (OIDC Core 1.0 §2) is in every ID token, not only on request.
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      // The org that registered the app, and the user's role in it.
      org: ['org_id', 'org_name', 'roles'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'org'],
    acrValues: [ACR.aal1, ACR.aal2],
    // Claims of the requested scopes go into the ID token too: most apps read them from there.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // PKCE for every client (RFC 9700 §2.1.1; OAuth 2.1); oidc-provider only accepts S256, never "plain".
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Published in discovery, `backchannel_logout_uri` in the client metadata, `sid` in its ID tokens; the
      // notifications themselves go through twofold's outbox (src/oidc/backchannel.ts, see createProvider).
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (koa, form) => {
          const client = koa.oidc.client ? await findClient(ctx.db, koa.oidc.client.clientId) : null;
          koa.set('Content-Security-Policy', contentSecurityPolicy(client?.postLogoutRedirectUris ?? []));
          koa.type = 'html';
          koa.body = logoutPage(await koaTranslator(ctx, koa), ctx.config.productName, client?.name ?? null, form);
        },
        postLogoutSuccessSource: async (koa) => {
          koa.type = 'html';
          koa.body = signedOutPage(
            await koaTranslator(ctx, koa),
            ctx.config.productName,
            koa.oidc.client?.clientName ?? null,
          );
        },
      },
    },
    interactions: {
      url: (_koa, interaction) => `${ctx.config.publicUrl}/authorize/${interaction.uid}`,
      policy: loginPolicy(ctx, library),
    },
    // Consent given once is remembered for the user and app, across browsers, until the person removes the
    // app (Profile → Apps), signs out everywhere or changes their password.
    loadExistingGrant: async (koa) => {
      const grantId =
        koa.oidc.result?.consent?.grantId ??
        koa.oidc.session!.grantIdFor(koa.oidc.client!.clientId) ??
        (koa.oidc.session!.accountId
          ? await findGrantId(ctx.db, koa.oidc.session!.accountId, koa.oidc.client!.clientId)
          : undefined);
      return grantId ? koa.oidc.provider.Grant.find(grantId) : undefined;
    },
    // Signing out through an app (RP-initiated logout) revokes the tokens issued under the session's grants
    // but keeps the grants themselves: the consent stays, so the next sign-in does not ask for it again. The
    // library's default destroys them, which asked people to consent after every sign-out. Elsewhere its
    // default: revoking an access token leaves its grant; other revocations end it.
    revokeGrantPolicy: (koa) => {
      if (koa.oidc.route === 'end_session_confirm') return false;
      return !(koa.oidc.route === 'revocation' && koa.oidc.entities.AccessToken);
    },
    rotateRefreshToken: true,
    ttl: { ...OIDC_TTL },
    cookies: {
      names: { session: 'tf_oidc_session', interaction: 'tf_oidc_interaction', resume: 'tf_oidc_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
      // Any key of the keyring verifies; the current one signs.
      keys: ctx.keyring.keyedHashes('oidc-cookies', 'cookie-signing'),
    },
    jwks: { keys: keys.keys as never },
    renderError: async (koa, out) => {
      koa.type = 'html';
      koa.body = oidcErrorPage(
        await koaTranslator(ctx, koa),
        ctx.config.productName,
        out as unknown as Record<string, string>,
      );
    },
  };
}

/**
 * The provider builds its absolute URLs (discovery, the interaction's return address, the sign-out form)
 * from the request's host and scheme as koa sees them (`ctx.href`, X-Forwarded-* with `proxy`). Before a
 * request reaches it, those become PUBLIC_URL's, whatever Host or X-Forwarded-Host the client or a proxy
 * sent: a proxy passing on its upstream's name, or an attacker's Host, must not end up in an issuer's
 * metadata. The client address it reads (audit of a sign-out) is `clientIp`, the one Fastify resolved
 * under TRUST_PROXY — read by the caller before the headers change.
 */
export function pinToPublicUrl(config: Config, raw: IncomingMessage, clientIp: string): void {
  const publicUrl = new URL(config.publicUrl);
  const headers = raw.headers;
  for (const name of [
    'forwarded',
    'x-forwarded-host',
    'x-forwarded-proto',
    'x-forwarded-for',
    'x-forwarded-port',
    ':authority',
  ])
    delete headers[name];
  headers.host = publicUrl.host;
  headers['x-forwarded-host'] = publicUrl.host;
  headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
  headers['x-forwarded-for'] = clientIp;
}

/** Builds a provider; the client secret comparison hashes the presented secret under the keyring first. */
export function createProvider(ctx: Ctx, keys: SigningKeySet, library: ProviderModule): Provider {
  const provider = new library.Provider(issuerOf(ctx.config.publicUrl), providerConfiguration(ctx, keys, library));
  // Every request reaches the provider through pinToPublicUrl, which sets X-Forwarded-Host/-Proto/-For.
  provider.proxy = true;
  // The current secret, or the previous one during its overlap after a rotation.
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(
    this: { clientId: string; clientSecret?: string },
    actual: string,
  ): Promise<boolean> {
    const stored = this.clientSecret;
    if (!stored || typeof actual !== 'string' || actual.length > 200) return false;
    const presented = secretHashes(ctx, actual);
    if (presented.some((hash) => constantTimeEqual(hash, stored))) return true;
    const previous = await previousSecretHash(ctx, this.clientId);
    return previous !== null && presented.some((hash) => constantTimeEqual(hash, previous));
  };
  // The provider's own back-channel logout (the apps of a session ended at an app's request) is queued in the
  // outbox like every other one, instead of being sent inside the request.
  provider.Client.prototype.backchannelLogout = async function backchannelLogout(
    this: { clientId: string },
    sub: string,
    sid: string,
  ): Promise<void> {
    await queueLogouts(ctx, [{ clientId: this.clientId, subject: sub, sid: sid || null }]);
  };
  // Signing out at an app's request (RP-initiated logout, "Sign out") ends the twofold session too.
  provider.use(async (koa, next) => {
    await next();
    const body = koa.oidc?.body as { logout?: string } | undefined;
    if (koa.oidc?.route !== 'end_session_confirm' || koa.status !== 303 || !body?.logout) return;
    const session = await twofoldSession(ctx, koa as KoaContextWithOIDC);
    if (session && (await revokeSession(ctx, session.userId, session.id))) {
      await audit(
        ctx,
        { ip: koa.ip, userAgent: String(koa.get('user-agent')).slice(0, 512) },
        {
          event: 'sign_out',
          actorUserId: session.userId,
          targetUserId: session.userId,
          details: { via: 'oidc_logout' },
        },
      );
    }
  });
  return provider;
}

export async function loadProvider(ctx: Ctx): Promise<{ provider: Provider; version: string }> {
  const [keys, library] = await Promise.all([loadSigningKeys(ctx), import('oidc-provider')]);
  return { provider: createProvider(ctx, keys, library), version: keys.version };
}
