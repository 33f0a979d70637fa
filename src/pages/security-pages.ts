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
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { shownOnPage } from './confirm-pages.ts';
import { backupCodesView, overviewView, removeFactorView, requirementBanner, turnOffView } from './security-views.ts';

const DONE: Record<string, string> = {
  totp_added: 'Authenticator app added.',
  passkey_added: 'Passkey added.',
  phone_added: 'Phone number added.',
  email_added: 'Email codes are on.',
  email_code_sent: 'We emailed you a code. Choose "Code by email" and enter it.',
  phone_changed: 'Phone number changed. Codes now go to the new number.',
  phone_code_sent: 'We sent a code to your phone. Choose "Code by text message" or "Code by phone call" and enter it.',
  renamed: 'Name saved.',
  removed: 'The method was removed.',
  off: 'Two-factor authentication is now off.',
  default: 'Default method updated.',
  device_revoked: 'That browser will be asked for a code again.',
  reauthenticated: 'Confirmed. You can make security changes for the next 10 minutes.',
  recovery_cancelled: 'You signed in with a second factor, so the pending account recovery was cancelled.',
};

type Body = Record<string, string | undefined>;

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
  error: string | null = null,
) {
  const session = requireSession(request, { enrolment: true });
  const frame = await pageFrame(ctx, request, reply);
  const data = await factorOverview(ctx, session.userId);
  const devices = await listTrustedDevices(ctx, session.userId, request.cookies[cookieNames(ctx.config).trust]);
  const done = DONE[(request.query as { done?: string }).done ?? ''] ?? null;
  const requirement = await requirementSummary(ctx, session.userId, session.user.twoFactorEnabled);
  const requiredBy = data.twoFactorEnabled ? await orgsRequiringTwoFactor(ctx, session.userId) : [];
  const refused = await refusedMethods(ctx, session.userId, ENROLLABLE_METHODS);
  const passkeyBy = await passkeyDeadline(ctx, session.userId);
  const hasPasskey = data.factors.some((f) => f.type === 'passkey');
  const passkeyNotice =
    passkeyBy && !hasPasskey
      ? html`<div class="notice notice-info" role="status"><strong>Your organization accepts only passkeys and security keys.</strong> ${
          passkeyBy > ctx.clock()
            ? `Add a passkey by ${passkeyBy.toISOString().slice(0, 10)}: after that your other methods no longer work for signing in.`
            : 'Your other methods no longer work for signing in: add a passkey now (a backup code gets you in meanwhile).'
        } <a href="#add-method">Add a passkey</a></div>`
      : html``;
  const continueTo = continuePath(ctx, request);
  const onward =
    continueTo && data.twoFactorEnabled && !requirement.overdue
      ? html`<div class="notice notice-info" role="status">Two-factor authentication is set up. <a href="${continueTo}">Continue signing in to the app</a></div>`
      : html``;
  return frame.send(
    status,
    'Security',
    html`${notice('error', error)}${notice('success', done)}${onward}${requirementBanner(requirement)}${passkeyNotice}${overviewView(data, devices, frame.csrf, requiredBy, refused)}`,
    [WEBAUTHN_SCRIPT],
  );
}

export async function securityPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const overview = (request: FastifyRequest, reply: FastifyReply, status?: number, error?: string | null) =>
    securityPage(ctx, request, reply, status, error);

  /** Runs a flow for the Security page; what it refuses is shown on the page. */
  async function act(request: FastifyRequest, reply: FastifyReply, action: () => Promise<unknown>) {
    try {
      return await action();
    } catch (error) {
      if (shownOnPage(error)) return overview(request, reply, error.status, error.message);
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
    return frame.send(
      200,
      'Security',
      html`<section class="card narrow" aria-labelledby="reminder-title">
  <h1 id="reminder-title">Set up two-factor authentication</h1>
  ${requirementBanner(requirement)}
  <p>It takes about two minutes: scan a QR code with an authenticator app on your phone and save your backup codes.</p>
  <p class="row-actions"><a class="button" href="/profile/security/totp">Set up now</a> <a class="button secondary" href="${safeReturnTo(ctx.config, (request.query as { next?: unknown }).next, '/profile')}">Later</a></p>
</section>`,
    );
  });

  app.post('/profile/security/backup-codes', async (request, reply) =>
    act(request, reply, async () => {
      const by = acting(request);
      const codes = await regenerateBackupCodes(ctx, by);
      const frame = await pageFrame(ctx, request, reply);
      const view = backupCodesView(codes, ctx.config.productName, by.session.user.email, false);
      return frame.send(200, 'Security', view, ['/static/backup-codes.js']);
    }),
  );

  // "Remove …?" first: what will happen (2FA turns off with the last method), then Remove or Cancel.
  app.get('/profile/security/factors/:id/remove', async (request, reply) => {
    const { id } = request.params as { id: string };
    const removal = await factorRemoval(ctx, acting(request), id);
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(200, 'Remove a sign-in method', removeFactorView(removal, frame.csrf));
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
  async function turnOffPage(request: FastifyRequest, reply: FastifyReply, status: number, error: string | null) {
    const session = requireSession(request);
    const data = await factorOverview(ctx, session.userId);
    if (!data.twoFactorEnabled) return reply.redirect('/profile/security', 303);
    const frame = await pageFrame(ctx, request, reply);
    const sent = (request.query as { sent?: string }).sent ?? null;
    return frame.send(status, 'Turn off two-factor authentication', turnOffView(data, frame.csrf, error, sent), [
      WEBAUTHN_SCRIPT,
    ]);
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
        return overview(request, reply, error.status, error.message);
      if (shownOnPage(error)) return turnOffPage(request, reply, error.status, error.message);
      throw error;
    }
  });
}
