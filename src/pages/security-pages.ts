/**
 * Profile → Security: 2FA status, methods (default, rename, remove), backup codes (shown once; download,
 * print, copy), trusted browsers, turning 2FA off. Each action is a flow (src/flows/); one that needs a
 * fresh re-authentication sends the person to "Confirm it's you" first (./confirm-pages.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PASSKEY } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { meta, requireSession } from '../http/request.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { passkeyDeadline, refusedMethods } from '../orgs/policy.ts';
import { clearCookie, cookieNames, CONTINUE_COOKIE } from '../http/cookies.ts';
import type { Ctx } from '../context.ts';
import { ENROLLABLE_METHODS, proofFrom } from '../factors/index.ts';
import { factorOverview } from '../factors/overview.ts';
import { WEBAUTHN_SCRIPT } from '../factors/passkey/views.ts';
import { listTrustedDevices } from '../sessions/devices.ts';
import { changeFactor, factorRemoval, removeFactor } from '../flows/factors.ts';
import { orgsRequiringTwoFactor } from '../orgs/policy.ts';
import { forgetTrustedDevice } from '../flows/sessions.ts';
import { regenerateBackupCodes, turnOffTwoFactor } from '../flows/two-factor.ts';
import { html } from '../core/html.ts';
import type { LocalizableError, T } from '../i18n/index.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { shownOnPage } from './confirm-pages.ts';
import { backupCodesView, overviewView, removeFactorView, requirementBanner, turnOffView } from './security-views.ts';

/** The success messages named by `?done=` (a fixed vocabulary). */
const DONE = [
  'totp_added',
  'passkey_added',
  'phone_added',
  'email_added',
  'email_code_sent',
  'phone_changed',
  'phone_code_sent',
  'renamed',
  'removed',
  'off',
  'default',
  'device_revoked',
  'reauthenticated',
  'recovery_cancelled',
] as const;

function doneMessage(t: T, query: unknown): string | null {
  const done = (query as { done?: string }).done ?? '';
  const key = DONE.find((d) => d === done);
  return key ? t(`security:done.${key}`) : null;
}

type Body = Record<string, string | undefined>;

/**
 * "X requires two-factor authentication for you, so …" in the reader's language, worded for what was tried
 * (the flow's refusal names the orgs in its details).
 */
function refusal(error: AppError, reason: 'user' | 'last_factor_removed'): LocalizableError {
  const orgs = error.details.orgs;
  if (error.code !== 'two_factor_required_by_org' || error.messageKey || !Array.isArray(orgs)) return error;
  return {
    message: error.message,
    messageKey: reason === 'user' ? 'security:requiredBy.user' : 'security:requiredBy.lastFactor',
    messageValues: { orgs: orgs.map(String).join(', ') },
  };
}

/** The app sign-in request to go back to after setting up 2FA (see src/oidc/routes.ts). */
export function continuePath(ctx: Ctx, request: FastifyRequest): string {
  const value = safeReturnTo(ctx.config, request.cookies[CONTINUE_COOKIE], '');
  return /^\/authorize\/[A-Za-z0-9_-]+$/.test(value) ? value : '';
}

/** The Security page, with a notice of what was done, or of what was refused (`error`). */
export async function securityPage(
  ctx: Ctx,
  request: FastifyRequest,
  reply: FastifyReply,
  status = 200,
  error: LocalizableError | null = null,
) {
  const session = requireSession(request, { enrolment: true });
  const frame = await pageFrame(ctx, request, reply);
  const t = frame.t;
  const data = await factorOverview(ctx, session.userId);
  const devices = await listTrustedDevices(ctx, session.userId, request.cookies[cookieNames(ctx.config).trust]);
  const done = doneMessage(t, request.query);
  const requirement = await requirementSummary(ctx, session.userId, session.user.twoFactorEnabled);
  const requiredBy = data.twoFactorEnabled ? await orgsRequiringTwoFactor(ctx, session.userId) : [];
  const refused = await refusedMethods(ctx, session.userId, ENROLLABLE_METHODS);
  const passkeyBy = await passkeyDeadline(ctx, session.userId);
  const hasPasskey = data.factors.some((f) => f.type === 'passkey');
  const passkeyNotice =
    passkeyBy && !hasPasskey
      ? html`<div class="notice notice-info" role="status"><strong>${t('security:passkeyOnly.heading')}</strong> ${
          passkeyBy > ctx.clock()
            ? t('security:passkeyOnly.by', { date: t.day(passkeyBy.toISOString()) })
            : t('security:passkeyOnly.now')
        } <a href="#add-method">${t('security:passkeyOnly.link')}</a></div>`
      : html``;
  const continueTo = continuePath(ctx, request);
  const onward =
    continueTo && data.twoFactorEnabled && !requirement.overdue
      ? html`<div class="notice notice-info" role="status">${t.html('security:onward', { href: continueTo })}</div>`
      : html``;
  return frame.send(
    status,
    t('security:title'),
    html`${notice('error', error ? t.error(error) : null)}${notice('success', done)}${onward}${requirementBanner(t, requirement)}${passkeyNotice}${overviewView(t, data, devices, frame.csrf, requiredBy, refused)}`,
    [WEBAUTHN_SCRIPT],
  );
}

export async function securityPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const overview = (request: FastifyRequest, reply: FastifyReply, status?: number, error?: LocalizableError | null) =>
    securityPage(ctx, request, reply, status, error);

  /** Runs a flow for the Security page; what it refuses is shown on the page. */
  async function act(request: FastifyRequest, reply: FastifyReply, action: () => Promise<unknown>) {
    try {
      return await action();
    } catch (error) {
      if (shownOnPage(error)) return overview(request, reply, error.status, refusal(error, 'last_factor_removed'));
      throw error;
    }
  }

  const acting = (request: FastifyRequest) => ({ session: requireSession(request), meta: meta(request) });

  app.get('/profile/security', async (request, reply) => overview(request, reply));

  // Shown after a sign-in during an org's grace period: "N days left", Set up now / Later.
  app.get('/sign-in/two-factor-reminder', async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const requirement = await requirementSummary(ctx, session.userId, session.user.twoFactorEnabled);
    if (!requirement.deadline || requirement.overdue)
      return reply.redirect(requirement.overdue ? '/profile/security' : '/profile', 303);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      200,
      t('security:title'),
      html`<section class="card narrow" aria-labelledby="reminder-title">
  <h1 id="reminder-title">${t('security:reminder.title')}</h1>
  ${requirementBanner(t, requirement)}
  <p>${t('security:reminder.body')}</p>
  <p class="row-actions"><a class="button" href="/profile/security/totp">${t('security:reminder.setUpNow')}</a> <a class="button secondary" href="${safeReturnTo(ctx.config, (request.query as { next?: unknown }).next, '/profile')}">${t('security:reminder.later')}</a></p>
</section>`,
    );
  });

  app.post('/profile/security/backup-codes', async (request, reply) =>
    act(request, reply, async () => {
      const by = acting(request);
      const codes = await regenerateBackupCodes(ctx, by);
      const frame = await pageFrame(ctx, request, reply);
      const view = backupCodesView(frame.t, codes, ctx.config.productName, by.session.user.email, false);
      return frame.send(200, frame.t('security:title'), view, ['/static/backup-codes.js']);
    }),
  );

  // "Remove …?" first: what will happen (2FA turns off with the last method), then Remove or Cancel.
  app.get('/profile/security/factors/:id/remove', async (request, reply) => {
    const { id } = request.params as { id: string };
    const removal = await factorRemoval(ctx, acting(request), id);
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(200, frame.t('security:remove.pageTitle'), removeFactorView(frame.t, removal, frame.csrf));
  });

  app.post('/profile/security/factors/:id/remove', async (request, reply) =>
    act(request, reply, async () => {
      const { id } = request.params as { id: string };
      const result = await removeFactor(ctx, acting(request), id);
      return reply.redirect(`/profile/security?done=${result.twoFactorOff ? 'off' : 'removed'}`, 303);
    }),
  );

  app.post('/profile/security/factors/:id/default', async (request, reply) => {
    const { id } = request.params as { id: string };
    await changeFactor(ctx, acting(request), id, { isDefault: true });
    return reply.redirect('/profile/security?done=default', 303);
  });

  app.post('/profile/security/factors/:id/rename', async (request, reply) => {
    const { id } = request.params as { id: string };
    const label = ((request.body as Body).label ?? '').slice(0, PASSKEY.labelMaxLength);
    await changeFactor(ctx, acting(request), id, { label });
    return reply.redirect('/profile/security?done=renamed', 303);
  });

  app.post('/profile/security/devices/:id/revoke', async (request, reply) => {
    const { id } = request.params as { id: string };
    await forgetTrustedDevice(ctx, acting(request), id);
    return reply.redirect('/profile/security?done=device_revoked', 303);
  });

  /** "Turn off two-factor authentication": the confirmation form, and what it refuses shown on it. */
  async function turnOffPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
  ) {
    const session = requireSession(request);
    const data = await factorOverview(ctx, session.userId);
    if (!data.twoFactorEnabled) return reply.redirect('/profile/security', 303);
    const frame = await pageFrame(ctx, request, reply);
    const sent = (request.query as { sent?: string }).sent ?? null;
    const t = frame.t;
    const view = turnOffView(t, data, frame.csrf, error ? t.error(error) : null, sent);
    return frame.send(status, t('security:turnOff.title'), view, [WEBAUTHN_SCRIPT]);
  }

  app.get('/profile/security/disable', async (request, reply) => turnOffPage(request, reply, 200, null));

  app.post('/profile/security/disable', async (request, reply) => {
    try {
      const body = request.body as Body;
      const proof = body.code ? proofFrom(body.method ?? 'totp', body.code) : null;
      await turnOffTwoFactor(ctx, acting(request), { password: body.password ?? '', proof });
      clearCookie(reply, ctx.config, cookieNames(ctx.config).trust);
      return reply.redirect('/profile/security?done=off', 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'two_factor_required_by_org')
        return overview(request, reply, error.status, refusal(error, 'user'));
      if (shownOnPage(error)) return turnOffPage(request, reply, error.status, error);
      throw error;
    }
  });
}
