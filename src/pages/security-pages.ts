/**
 * Profile → Security: 2FA status, methods (default, remove), authenticator-app setup with a server-rendered
 * QR code, backup codes (shown once; download, print, copy), trusted browsers, turning 2FA off.
 * Every sensitive action first asks for a re-authentication (password + a factor when 2FA is on).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { checkCredentials } from '../accounts/service.ts';
import { hasRecentReauth, rotateSession } from '../sessions/service.ts';
import { issueSessionCookie, meta, requireSession, upgradeAfterFirstFactor } from '../http/request.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { clearCookie, cookieNames, CONTINUE_COOKIE } from '../http/cookies.ts';
import { audit, type Ctx } from '../context.ts';
import type { SecondFactorMethod } from '../factors/factor.ts';
import { failedCode, verifySecondFactor } from '../factors/second-step.ts';
import { disableTwoFactor, regenerateBackupCodes, removeFactor } from '../factors/lifecycle.ts';
import { factorOverview } from '../factors/routes.ts';
import { beginTotpSetup, finishTotpSetup } from '../factors/totp/routes.ts';
import { listTrustedDevices, revokeTrustedDevice } from '../sessions/devices.ts';
import { html, raw, type Html } from './html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { WEBAUTHN_SCRIPT } from './passkey-views.ts';
import { backupCodesView, factorCodeFields, overviewView, phoneProofFor, requirementBanner } from './security-views.ts';
import { setDefaultMethod } from '../accounts/store.ts';

const DONE: Record<string, string> = {
  totp_added: 'Authenticator app added.',
  passkey_added: 'Passkey added.',
  phone_added: 'Phone number added.',
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
function continuePath(ctx: Ctx, request: FastifyRequest): string {
  const value = safeReturnTo(ctx.config, request.cookies[CONTINUE_COOKIE], '');
  return /^\/authorize\/[A-Za-z0-9_-]+$/.test(value) ? value : '';
}

export async function securityPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    content: Html,
    scripts: string[] = [],
  ) {
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(status, 'Security', content, scripts);
  }

  async function overview(request: FastifyRequest, reply: FastifyReply, status = 200, error: string | null = null) {
    const session = requireSession(request, { enrolment: true });
    const frame = await pageFrame(ctx, request, reply);
    const data = await factorOverview(ctx, session.userId);
    const devices = await listTrustedDevices(ctx, session.userId);
    const done = DONE[(request.query as { done?: string }).done ?? ''] ?? null;
    const requirement = await requirementSummary(ctx, session.userId, session.user.twoFactorEnabled);
    const continueTo = continuePath(ctx, request);
    const onward =
      continueTo && data.twoFactorEnabled && !requirement.overdue
        ? html`<div class="notice notice-info" role="status">Two-factor authentication is set up. <a href="${continueTo}">Continue signing in to the app</a></div>`
        : html``;
    return frame.send(
      status,
      'Security',
      html`${notice('error', error)}${notice('success', done)}${onward}${requirementBanner(requirement)}${overviewView(data, devices, frame.csrf)}`,
      [WEBAUTHN_SCRIPT],
    );
  }

  /** The re-authentication form, posting back to `next` once confirmed. */
  async function askReauth(
    request: FastifyRequest,
    reply: FastifyReply,
    next: string,
    status = 200,
    error: string | null = null,
  ) {
    const session = requireSession(request, { enrolment: true });
    const frame = await pageFrame(ctx, request, reply);
    const data = await factorOverview(ctx, session.userId);
    return frame.send(
      status,
      'Confirm it is you',
      html`<section class="card narrow" aria-labelledby="reauth-title">
  <h1 id="reauth-title">Confirm it's you</h1>
  <p>For your security, enter your password${data.twoFactorEnabled ? ' and use your second factor' : ''} before changing security settings.</p>
  ${notice('error', error)}
  ${phoneProofFor(data, frame.csrf, next, (request.query as { sent?: string }).sent ?? null)}
  <form method="post" action="/profile/security/reauthenticate">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <input type="hidden" name="next" value="${next}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    ${data.twoFactorEnabled ? factorCodeFields(data) : ''}
    <button type="submit">Confirm</button>
  </form>
</section>`,
      [WEBAUTHN_SCRIPT],
    );
  }

  /** Runs `action` when the sudo window is open, else shows the re-auth form leading back to `next`. */
  async function withSudo(request: FastifyRequest, reply: FastifyReply, next: string, action: () => Promise<unknown>) {
    if (!hasRecentReauth(ctx, requireSession(request))) return askReauth(request, reply, next, 403);
    try {
      return await action();
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return overview(request, reply, error.status, error.message);
      throw error;
    }
  }

  app.get('/profile/security', async (request, reply) => overview(request, reply));

  // Shown after a sign-in during an org's grace period: "N days left", Set up now / Later.
  app.get('/sign-in/two-factor-reminder', async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const requirement = await requirementSummary(ctx, session.userId, session.user.twoFactorEnabled);
    if (!requirement.deadline || requirement.overdue)
      return reply.redirect(requirement.overdue ? '/profile/security' : '/profile', 303);
    return show(
      request,
      reply,
      200,
      html`<section class="card narrow" aria-labelledby="reminder-title">
  <h1 id="reminder-title">Set up two-factor authentication</h1>
  ${requirementBanner(requirement)}
  <p>It takes about two minutes: scan a QR code with an authenticator app on your phone and save your backup codes.</p>
  <p class="row-actions"><a class="button" href="/profile/security/totp">Set up now</a> <a class="button secondary" href="${safeReturnTo(ctx.config, (request.query as { next?: unknown }).next, '/profile')}">Later</a></p>
</section>`,
    );
  });

  // Other pages send people here when an action needs a fresh re-authentication.
  app.get('/profile/security/confirm', async (request, reply) =>
    askReauth(
      request,
      reply,
      safeReturnTo(ctx.config, (request.query as { next?: unknown }).next, '/profile/security'),
    ),
  );

  app.post('/profile/security/reauthenticate', async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const body = request.body as Body;
    const next = safeReturnTo(ctx.config, body.next, '/profile/security');
    try {
      await checkCredentials(ctx, session.user.email, body.password ?? '', meta(request));
      if (session.user.twoFactorEnabled) {
        const outcome = await verifySecondFactor(
          ctx,
          session.user,
          (body.method ?? 'totp') as SecondFactorMethod,
          body.code ?? '',
          meta(request),
          'reauthenticate',
        );
        if (!outcome.ok) throw failedCode(outcome);
      }
    } catch (error) {
      if (error instanceof AppError && error.status < 500)
        return askReauth(request, reply, next, error.status, error.message);
      throw error;
    }
    issueSessionCookie(ctx, reply, await rotateSession(ctx, session.id, { reauthenticated: true }), session.remember);
    await audit(ctx, meta(request), {
      event: 'reauthenticated',
      actorUserId: session.userId,
      targetUserId: session.userId,
    });
    return reply.redirect(next === '/profile/security' ? '/profile/security?done=reauthenticated' : next, 303);
  });

  app.get('/profile/security/totp', async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    if (!hasRecentReauth(ctx, session)) return askReauth(request, reply, '/profile/security/totp');
    return renderTotpSetup(request, reply, 200, null);
  });

  async function renderTotpSetup(request: FastifyRequest, reply: FastifyReply, status: number, error: string | null) {
    const session = requireSession(request, { enrolment: true });
    const setup = await beginTotpSetup(ctx, session.user);
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(
      status,
      'Set up an authenticator app',
      html`<section class="card" aria-labelledby="totp-title">
  <h1 id="totp-title">Set up an authenticator app</h1>
  ${notice('error', error)}
  <ol class="steps">
    <li>Open your authenticator app (Google Authenticator, Authy, 1Password, Microsoft Authenticator…) and add an account.</li>
    <li>Scan this QR code with the app.
      <div class="qr" role="img" aria-label="QR code for your authenticator app">${raw(setup.qrSvg)}</div>
      <p>Can't scan it? Enter this key in the app instead (time-based):</p>
      <p><code class="secret" id="totp-secret">${setup.secretGroups}</code></p>
      <details><summary>Show the setup link</summary><p><code class="uri">${setup.otpauthUri}</code></p></details>
    </li>
    <li>Enter the 6-digit code the app shows. This setup expires in 15 minutes.</li>
  </ol>
  <form method="post" action="/profile/security/totp">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <input type="hidden" name="enrollmentId" value="${setup.enrollmentId}">
    <label for="code">Code from the app</label>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="10" required>
    <label for="label">Name for this app <span class="muted">(optional)</span></label>
    <input id="label" name="label" type="text" maxlength="100" placeholder="e.g. Phone — Google Authenticator">
    <button type="submit">Turn on</button>
    <a class="button secondary" href="/profile/security">Cancel</a>
  </form>
</section>`,
    );
  }

  app.post('/profile/security/totp', async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const body = request.body as Body;
    try {
      const result = await finishTotpSetup(
        ctx,
        session.user,
        { enrollmentId: body.enrollmentId ?? '', code: body.code ?? '', label: body.label },
        meta(request),
      );
      if (!result.backupCodes) return reply.redirect('/profile/security?done=totp_added', 303);
      await upgradeAfterFirstFactor(ctx, request, reply, ['otp']);
      const continueTo = continuePath(ctx, request);
      if (continueTo) clearCookie(reply, ctx.config, CONTINUE_COOKIE);
      return show(
        request,
        reply,
        200,
        backupCodesView(result.backupCodes, ctx.config.productName, session.user.email, true, continueTo || undefined),
        ['/static/backup-codes.js'],
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_code')
        return renderTotpSetup(request, reply, 401, `${error.message} Scan the new QR code below and try again.`);
      if (error instanceof AppError && error.status < 500) return overview(request, reply, error.status, error.message);
      throw error;
    }
  });

  app.post('/profile/security/backup-codes', async (request, reply) => {
    const session = requireSession(request);
    return withSudo(request, reply, '/profile/security', async () => {
      const codes = await regenerateBackupCodes(ctx, session.user, meta(request));
      return show(request, reply, 200, backupCodesView(codes, ctx.config.productName, session.user.email, false), [
        '/static/backup-codes.js',
      ]);
    });
  });

  app.post('/profile/security/factors/:id/remove', async (request, reply) => {
    const session = requireSession(request);
    const { id } = request.params as { id: string };
    return withSudo(request, reply, '/profile/security', async () => {
      const result = await removeFactor(ctx, session.user, id, meta(request));
      return reply.redirect(`/profile/security?done=${result.twoFactorOff ? 'off' : 'removed'}`, 303);
    });
  });

  app.post('/profile/security/factors/:id/default', async (request, reply) => {
    const session = requireSession(request);
    const { id } = request.params as { id: string };
    const data = await factorOverview(ctx, session.userId);
    const factor = data.factors.find((f) => f.id === id);
    if (!factor) throw new AppError('not_found');
    await setDefaultMethod(ctx, session.userId, factor.methods[0] ?? null);
    return reply.redirect('/profile/security?done=default', 303);
  });

  app.post('/profile/security/devices/:id/revoke', async (request, reply) => {
    const session = requireSession(request);
    const { id } = request.params as { id: string };
    if (!(await revokeTrustedDevice(ctx, session.userId, id, meta(request)))) throw new AppError('not_found');
    return reply.redirect('/profile/security?done=device_revoked', 303);
  });

  app.post('/profile/security/disable', async (request, reply) => {
    const session = requireSession(request);
    const body = request.body as Body;
    try {
      await checkCredentials(ctx, session.user.email, body.password ?? '', meta(request));
      const outcome = await verifySecondFactor(
        ctx,
        session.user,
        (body.method ?? 'totp') as SecondFactorMethod,
        body.code ?? '',
        meta(request),
        'disable',
      );
      if (!outcome.ok) throw failedCode(outcome);
      await disableTwoFactor(ctx, session.user, meta(request), 'user');
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return overview(request, reply, error.status, error.message);
      throw error;
    }
    clearCookie(reply, ctx.config, cookieNames(ctx.config).trust);
    return reply.redirect('/profile/security?done=off', 303);
  });
}
