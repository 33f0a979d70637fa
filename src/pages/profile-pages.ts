/**
 * The signed-in person's own pages: account, password change, signed-in sessions (revoke one or all),
 * organizations, and their own security activity. Two-factor settings live on /profile/security.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { changePassword } from '../flows/password.ts';
import { isEmailVerified } from '../accounts/verification.ts';
import { queryAudit } from '../audit/store.ts';
import { describeUserAgent } from '../core/user-agent.ts';
import { clearCookie, cookieNames } from '../http/cookies.ts';
import { meta, requireSession } from '../http/request.ts';
import { params } from '../http/schema.ts';
import { isManager, membershipsOf } from '../orgs/service.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { listSessions, type CurrentSession } from '../sessions/service.ts';
import { dismissOnboarding, onboardingOf } from '../flows/onboarding.ts';
import { onboardingCard } from './onboarding-views.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { endSession, signOutEverywhere } from '../flows/sessions.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { NEW_PASSWORD_HINT } from './auth-pages.ts';
import { requirementBanner } from './security-views.ts';
import { auditTable, cursorParam, pager } from './audit-views.ts';
import { flash, formError, input, postButton, csrfInput, ROLE_LABELS, textField, utc, type FormError } from './ui.ts';

const DONE: Readonly<Record<string, string>> = {
  password_changed: 'Password changed. Your other sessions were signed out.',
  session_revoked: 'That session was signed out.',
  others_signed_out: 'Your other sessions were signed out. You are still signed in here.',
  invitation_accepted: 'Invitation accepted. Welcome — you are signed in.',
  verification_sent: 'We sent a link to your email address. Open it and press the button to verify the address.',
};

const ACTIVITY_PAGE_SIZE = 25;

export async function profilePages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function renderProfile(request: FastifyRequest, reply: FastifyReply, status: number, error: FormError | null) {
    const session = requireSession(request);
    const frame = await pageFrame(ctx, request, reply);
    const [sessions, memberships, requirement, emailVerified, onboarding] = await Promise.all([
      listSessions(ctx, session.userId),
      membershipsOf(ctx, session.userId),
      requirementSummary(ctx, session.userId, session.user.twoFactorEnabled),
      isEmailVerified(ctx, session.userId),
      onboardingOf(ctx, { session }),
    ]);
    const user = session.user;
    const passwordError = error && (error.field === 'currentPassword' || error.field === 'password') ? error : null;
    return frame.send(
      status,
      'Your profile',
      html`<h1>Your profile</h1>
${notice('success', error ? null : flash(request.query, DONE))}
${error && !passwordError ? notice('error', error.message) : ''}
${requirementBanner(requirement)}
${onboardingCard(frame.t, onboarding, frame.csrf, '/profile')}
<section class="card" aria-labelledby="account-title">
  <h2 id="account-title">Account</h2>
  <dl class="facts">
    <dt>Email</dt><dd>${user.email} ${
      emailVerified
        ? html`<span class="badge ok">Verified</span>`
        : html`<span class="badge warn">Not verified</span> ${postButton('/profile/email/verification', frame.csrf, 'Send a verification link')}`
    }</dd>
    <dt>Name</dt><dd>${user.name || html`<span class="muted">Not set</span>`}</dd>
    <dt>Two-factor authentication</dt><dd><span class="badge ${user.twoFactorEnabled ? 'ok' : 'warn'}">${user.twoFactorEnabled ? 'On' : 'Off'}</span></dd>
  </dl>
  <p class="row-actions"><a class="button secondary" href="/profile/security">Security: two-factor authentication</a>
    <a class="button secondary" href="/profile/activity">Recent security activity</a>
    <a class="button secondary" href="/profile/apps">Apps you signed in to</a></p>
</section>

<section class="card" aria-labelledby="orgs-title">
  <h2 id="orgs-title">Your organizations</h2>
  ${
    memberships.length === 0
      ? html`<p class="empty">You are not a member of any organization.</p>`
      : html`<ul class="plain orgs">${memberships.map(
          (m) => html`<li>
    <strong>${m.org.name}</strong> <span class="badge">${ROLE_LABELS[m.role] ?? m.role}</span>
    ${isManager(m.role) ? html` <a href="/orgs/${m.org.id}/members">Manage people</a>` : ''}
  </li>`,
        )}</ul>`
  }
</section>

<section class="card" aria-labelledby="sessions-title">
  <h2 id="sessions-title">Where you're signed in</h2>
  <p class="hint">If you don't recognise a session, revoke it and change your password.</p>
  <div class="table-scroll" role="region" aria-labelledby="sessions-title" tabindex="0">
  <table class="sessions">
    <caption class="sr-only">Your signed-in sessions</caption>
    <thead><tr><th scope="col">Device</th><th scope="col">IP address</th><th scope="col">Signed in</th><th scope="col">Last active</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${sessions.map(
      (s) => html`<tr${s.id === session.id ? html` class="current"` : ''}>
      <td>${describeUserAgent(s.userAgent)} ${s.id === session.id ? html`<span class="badge ok">This device</span>` : ''}</td>
      <td class="nowrap">${s.ip}</td><td class="nowrap">${utc(s.createdAt)}</td><td class="nowrap">${utc(s.lastSeenAt)}</td>
      <td>${postButton(
        `/profile/sessions/${s.id}/revoke`,
        frame.csrf,
        s.id === session.id
          ? html`Sign out<span class="sr-only"> of this device</span>`
          : html`Revoke<span class="sr-only"> ${describeUserAgent(s.userAgent)} session from ${s.ip}</span>`,
        'danger',
      )}</td>
    </tr>`,
    )}</tbody>
  </table>
  </div>
  <p class="row-actions">${postButton('/profile/sessions/revoke-others', frame.csrf, 'Sign out other sessions', 'secondary')}
  ${postButton('/profile/sessions/revoke-all', frame.csrf, 'Sign out everywhere', 'secondary')}</p>
  <p class="hint">"Sign out other sessions" keeps you signed in here; "Sign out everywhere" ends this session too. Either also signs you out of the apps that use this account.</p>
</section>

<section class="card" aria-labelledby="password-title">
  <h2 id="password-title">Change password</h2>
  ${notice('error', passwordError?.message)}
  <form method="post" action="/profile/password" class="stack">
    ${csrfInput(frame.csrf)}
    ${input({ id: 'currentPassword', name: 'currentPassword', type: 'password', label: 'Current password', autocomplete: 'current-password', maxlength: 1024, invalid: passwordError?.field === 'currentPassword' })}
    ${input({ id: 'newPassword', name: 'newPassword', type: 'password', label: 'New password', autocomplete: 'new-password', maxlength: 1024, invalid: passwordError?.field === 'password', hint: NEW_PASSWORD_HINT })}
    <button type="submit">Change password</button>
    <p class="hint">Your other sessions will be signed out.</p>
  </form>
</section>`,
    );
  }

  app.get('/profile', async (request, reply) => renderProfile(request, reply, 200, null));

  // "Hide this list" on the onboarding checklist: remembered, then back to the page it was on.
  app.post('/onboarding/dismiss', async (request, reply) => {
    await dismissOnboarding(ctx, { session: requireSession(request) });
    const next = safeReturnTo(ctx.config, (request.body as { next?: unknown }).next, '/profile');
    return reply.redirect(next, 303);
  });

  app.post('/profile/password', async (request, reply) => {
    const session = requireSession(request);
    const body = request.body;
    try {
      await changePassword(
        ctx,
        { session, meta: meta(request) },
        {
          currentPassword: textField(body, 'currentPassword', 1024),
          newPassword: textField(body, 'newPassword', 1024),
        },
      );
    } catch (error) {
      // With 2FA on, a password change is a sudo action: the shared "Confirm it's you" detour completes it.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      return renderProfile(request, reply, ...asProfileError(formError(error, reply)));
    }
    return reply.redirect('/profile?done=password_changed', 303);
  });

  app.post('/profile/sessions/:id/revoke', { schema: { params: params(['id']) } }, async (request, reply) => {
    const session = requireSession(request);
    const { id } = request.params as { id: string };
    let ended: { current: boolean };
    try {
      ended = await endSession(ctx, { session, meta: meta(request) }, id);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
      return renderProfile(request, reply, 404, {
        code: 'not_found',
        status: 404,
        message: 'That session has already ended.',
        field: null,
      });
    }
    if (ended.current) return signedOut(reply, 'signed_out');
    return reply.redirect('/profile?done=session_revoked', 303);
  });

  app.post('/profile/sessions/revoke-others', async (request, reply) => {
    await signOutEverywhere(ctx, { session: requireSession(request), meta: meta(request) }, { keepCurrent: true });
    return reply.redirect('/profile?done=others_signed_out', 303);
  });

  app.post('/profile/sessions/revoke-all', async (request, reply) => {
    await signOutEverywhere(ctx, { session: requireSession(request), meta: meta(request) });
    return signedOut(reply, 'signed_out_everywhere');
  });

  function signedOut(reply: FastifyReply, done: 'signed_out' | 'signed_out_everywhere') {
    clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
    return reply.redirect(`/sign-in?done=${done}`, 303);
  }

  app.get('/profile/activity', async (request, reply) => {
    const session: CurrentSession = requireSession(request);
    const before = cursorParam(request.query);
    const page = await queryAudit(ctx.db, { userId: session.userId, before, limit: ACTIVITY_PAGE_SIZE });
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(
      200,
      'Recent security activity',
      html`<h1>Recent security activity</h1>
<p class="lead">Sign-ins, password changes and other security events on your account, newest first. Times are in UTC.</p>
<section class="card">
  ${auditTable(frame.t, page.rows, { people: false, caption: 'Your security activity' })}
  ${pager(frame.t, '/profile/activity?', before, page.nextCursor)}
</section>
<p><a href="/profile">Back to your profile</a></p>`,
    );
  });
}

/** A failed password change is shown at the password form; anything else at the top of the page. */
function asProfileError(problem: FormError): [number, FormError] {
  if (problem.code === 'invalid_credentials' && problem.field !== 'currentPassword') {
    return [problem.status, { ...problem, field: 'currentPassword' }];
  }
  return [problem.status, problem];
}
