/**
 * The signed-in person's own pages: account, password change, signed-in sessions (revoke one or all),
 * organizations, and their own security activity. Two-factor settings live on /profile/security.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { changePassword } from '../flows/password.ts';
import { isEmailVerified } from '../accounts/verification.ts';
import { queryAudit } from '../audit/store.ts';
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
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { newPasswordHint } from './auth-pages.ts';
import { updatePreferences } from '../flows/preferences.ts';
import { english, LOCALES, type MessageKey, type T } from '../i18n/index.ts';
import { requirementBanner } from './security-views.ts';
import { auditTable, cursorParam, pager } from './audit-views.ts';
import { formError, input, moment, postButton, csrfInput, roleLabel, textField, type FormError } from './ui.ts';

/** `?done=` on the profile: a fixed vocabulary, so the URL never carries text. */
const DONE: Readonly<Record<string, MessageKey>> = {
  password_changed: 'account:profile.done.password_changed',
  session_revoked: 'account:profile.done.session_revoked',
  others_signed_out: 'account:profile.done.others_signed_out',
  invitation_accepted: 'account:profile.done.invitation_accepted',
  verification_sent: 'account:profile.done.verification_sent',
  preferences: 'account:profile.done.preferences',
};

function doneText(t: T, query: unknown): string | null {
  const name = textField(query, 'done', 64);
  return Object.hasOwn(DONE, name) ? t(DONE[name]!) : null;
}

/** The fields of the language and time zone form (their names are those of PATCH /api/v1/me). */
const PREFERENCE_FIELDS: readonly string[] = ['locale', 'timeZone'];

/** Every time zone the runtime knows, for the select (UTC included). */
let zones: readonly string[] | null = null;
function timeZones(): readonly string[] {
  if (!zones) {
    const known = Intl.supportedValuesOf('timeZone');
    zones = known.includes('UTC') ? known : ['UTC', ...known];
  }
  return zones;
}

/** "Language and time zone": labelled selects, '' meaning automatic (the browser's). */
function preferencesForm(
  t: T,
  csrf: string,
  saved: { locale: string | null; timeZone: string | null },
  error: FormError | null,
): Html {
  const locale = saved.locale ?? '';
  const zone = saved.timeZone ?? '';
  const selected = (value: string, current: string) => (value === current ? html` selected` : '');
  return html`<section class="card" aria-labelledby="preferences-title">
  <h2 id="preferences-title">${t('account:preferences.heading')}</h2>
  ${notice('error', error ? t.error(error) : null)}
  <p class="hint" id="preferences-hint">${t('account:preferences.intro')}</p>
  <form method="post" action="/profile/preferences" class="stack">
    ${csrfInput(csrf)}
    <label for="locale">${t('account:preferences.language')}</label>
    <select id="locale" name="locale" aria-describedby="preferences-hint"${error?.field === 'locale' ? html` aria-invalid="true"` : ''}>
      <option value=""${selected('', locale)}>${t('account:preferences.automatic')}</option>
      ${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${selected(l, locale)}>${t(`common:languageNames.${l}`)}</option>`)}
    </select>
    <label for="timeZone">${t('account:preferences.timeZone')}</label>
    <select id="timeZone" name="timeZone" aria-describedby="preferences-hint"${error?.field === 'timeZone' ? html` aria-invalid="true"` : ''}>
      <option value=""${selected('', zone)}>${t('account:preferences.automatic')}</option>
      ${timeZones().map((z) => html`<option value="${z}"${selected(z, zone)}>${z}</option>`)}
    </select>
    <button type="submit">${t('account:preferences.submit')}</button>
  </form>
</section>`;
}

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
    const t = frame.t;
    const passwordError = error && (error.field === 'currentPassword' || error.field === 'password') ? error : null;
    const preferencesError = error && error.field !== null && PREFERENCE_FIELDS.includes(error.field) ? error : null;
    return frame.send(
      status,
      t('account:profile.title'),
      html`<h1>${t('account:profile.heading')}</h1>
${notice('success', error ? null : doneText(t, request.query))}
${error && !passwordError && !preferencesError ? notice('error', t.error(error)) : ''}
${requirementBanner(t, requirement)}
${onboardingCard(t, onboarding, frame.csrf, '/profile')}
<section class="card" aria-labelledby="account-title">
  <h2 id="account-title">${t('account:profile.account')}</h2>
  <dl class="facts">
    <dt>${t('account:profile.email')}</dt><dd>${user.email} ${
      emailVerified
        ? html`<span class="badge ok">${t('account:profile.verified')}</span>`
        : html`<span class="badge warn">${t('account:profile.notVerified')}</span> ${postButton('/profile/email/verification', frame.csrf, t('account:profile.sendVerification'))}`
    }</dd>
    <dt>${t('account:profile.name')}</dt><dd>${user.name || html`<span class="muted">${t('account:profile.notSet')}</span>`}</dd>
    <dt>${t('account:profile.twoFactor')}</dt><dd><span class="badge ${user.twoFactorEnabled ? 'ok' : 'warn'}">${user.twoFactorEnabled ? t('account:profile.on') : t('account:profile.off')}</span></dd>
  </dl>
  <p class="row-actions"><a class="button secondary" href="/profile/security">${t('account:profile.securityLink')}</a>
    <a class="button secondary" href="/profile/activity">${t('account:profile.activityLink')}</a>
    <a class="button secondary" href="/profile/apps">${t('account:profile.appsLink')}</a></p>
</section>

<section class="card" aria-labelledby="orgs-title">
  <h2 id="orgs-title">${t('account:profile.orgs')}</h2>
  ${
    memberships.length === 0
      ? html`<p class="empty">${t('account:profile.noOrgs')}</p>`
      : html`<ul class="plain orgs">${memberships.map(
          (m) => html`<li>
    <strong>${m.org.name}</strong> <span class="badge">${roleLabel(t, m.role)}</span>
    ${isManager(m.role) ? html` <a href="/orgs/${m.org.id}/members">${t('account:profile.managePeople')}</a>` : ''}
  </li>`,
        )}</ul>`
  }
</section>

<section class="card" aria-labelledby="sessions-title">
  <h2 id="sessions-title">${t('account:profile.sessions')}</h2>
  <p class="hint">${t('account:profile.sessionsHint')}</p>
  <div class="table-scroll" role="region" aria-labelledby="sessions-title" tabindex="0">
  <table class="sessions">
    <caption class="sr-only">${t('account:profile.sessionsCaption')}</caption>
    <thead><tr><th scope="col">${t('account:profile.device')}</th><th scope="col">${t('account:profile.ip')}</th><th scope="col">${t('account:profile.signedIn')}</th><th scope="col">${t('account:profile.lastActive')}</th><th scope="col"><span class="sr-only">${t('account:profile.actions')}</span></th></tr></thead>
    <tbody>${sessions.map(
      (s) => html`<tr${s.id === session.id ? html` class="current"` : ''}>
      <td>${t.browser(s.userAgent)} ${s.id === session.id ? html`<span class="badge ok">${t('account:profile.thisDevice')}</span>` : ''}</td>
      <td class="nowrap">${s.ip}</td><td class="nowrap">${moment(t, s.createdAt)}</td><td class="nowrap">${moment(t, s.lastSeenAt)}</td>
      <td>${postButton(
        `/profile/sessions/${s.id}/revoke`,
        frame.csrf,
        s.id === session.id
          ? t.html('account:profile.signOutHere')
          : t.html('account:profile.revoke', { device: t.browser(s.userAgent), ip: s.ip }),
        'danger',
      )}</td>
    </tr>`,
    )}</tbody>
  </table>
  </div>
  <p class="row-actions">${postButton('/profile/sessions/revoke-others', frame.csrf, t('account:profile.signOutOthers'), 'secondary')}
  ${postButton('/profile/sessions/revoke-all', frame.csrf, t('account:profile.signOutEverywhere'), 'secondary')}</p>
  <p class="hint">${t('account:profile.signOutHint')}</p>
</section>

${preferencesForm(t, frame.csrf, { locale: user.locale, timeZone: user.timeZone }, preferencesError)}

<section class="card" aria-labelledby="password-title">
  <h2 id="password-title">${t('account:profile.passwordHeading')}</h2>
  ${notice('error', passwordError ? t.error(passwordError) : null)}
  <form method="post" action="/profile/password" class="stack">
    ${csrfInput(frame.csrf)}
    ${input({ id: 'currentPassword', name: 'currentPassword', type: 'password', label: t('account:profile.currentPassword'), autocomplete: 'current-password', maxlength: 1024, invalid: passwordError?.field === 'currentPassword' })}
    ${input({ id: 'newPassword', name: 'newPassword', type: 'password', label: t('account:profile.newPassword'), autocomplete: 'new-password', maxlength: 1024, invalid: passwordError?.field === 'password', hint: newPasswordHint(t) })}
    <button type="submit">${t('account:profile.passwordSubmit')}</button>
    <p class="hint">${t('account:profile.passwordHint')}</p>
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

  // "Language and time zone": '' is no preference (the browser's language, the browser's zone).
  app.post('/profile/preferences', async (request, reply) => {
    const session = requireSession(request);
    const body = request.body;
    const locale = textField(body, 'locale', 64);
    const timeZone = textField(body, 'timeZone', 64);
    try {
      await updatePreferences(ctx, { session }, { locale: locale || null, timeZone: timeZone || null });
    } catch (error) {
      return renderProfile(request, reply, ...asProfileError(formError(error, reply)));
    }
    return reply.redirect('/profile?done=preferences', 303);
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
        message: english('account:errors.sessionEnded'),
        messageKey: 'account:errors.sessionEnded',
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
    const t = frame.t;
    return frame.send(
      200,
      t('account:activity.title'),
      html`<h1>${t('account:activity.heading')}</h1>
<p class="lead">${t('account:activity.lead')}</p>
<section class="card">
  ${auditTable(t, page.rows, { people: false, caption: t('account:activity.caption') })}
  ${pager(t, '/profile/activity?', before, page.nextCursor)}
</section>
<p><a href="/profile">${t('account:activity.back')}</a></p>`,
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
