/** Markup of forward auth: why a protected app refused the person, and the org's Protected hosts page. */
import { html, type Html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { csrfInput, roleLabel } from '../pages/ui.ts';
import type { MessageKey, T } from '../i18n/index.ts';
import type { StartOutcome } from '../flows/forward-auth.ts';
import type { ProtectedHost } from './store.ts';

type Reason = Extract<StartOutcome, { kind: 'refused' }>['reason'];

const REFUSALS: Record<Reason, { title: MessageKey; text: MessageKey; action: (t: T) => Html }> = {
  not_member: {
    title: 'apps:forwardAuth.cantOpen',
    text: 'apps:forwardAuth.notMember',
    action: (t) => html`<p>${t('apps:forwardAuth.notMemberAction')}</p>`,
  },
  suspended: {
    title: 'apps:forwardAuth.cantOpen',
    text: 'apps:forwardAuth.suspended',
    action: (t) => html`<p>${t('apps:forwardAuth.suspendedAction')}</p>`,
  },
  role_not_allowed: {
    title: 'apps:forwardAuth.cantOpen',
    text: 'apps:forwardAuth.roleNotAllowed',
    action: (t) => html`<p>${t('apps:forwardAuth.roleNotAllowedAction')}</p>`,
  },
  enrollment_required: {
    title: 'apps:forwardAuth.enrolTitle',
    text: 'apps:forwardAuth.enrolText',
    action: (t) =>
      html`<p class="row-actions"><a class="button" href="/profile/security">${t('apps:forwardAuth.setItUp')}</a></p>`,
  },
  enrol_for_two_factors: {
    title: 'apps:forwardAuth.appNeedsTwoFactorTitle',
    text: 'apps:forwardAuth.appNeedsTwoFactor',
    action: (t) =>
      html`<p class="row-actions"><a class="button" href="/profile/security">${t('apps:forwardAuth.setItUp')}</a></p><p>${t('apps:forwardAuth.openAgain')}</p>`,
  },
  two_factor_required: {
    title: 'apps:forwardAuth.secondFactorTitle',
    text: 'apps:forwardAuth.secondFactor',
    action: (t) => html`<p>${t('apps:forwardAuth.secondFactorAction')}</p>`,
  },
};

const ROLE_WORDS: Readonly<Record<string, MessageKey>> = {
  owner: 'apps:forwardAuth.roleWords.owner',
  admin: 'apps:forwardAuth.roleWords.admin',
  staff: 'apps:forwardAuth.roleWords.staff',
  client: 'apps:forwardAuth.roleWords.client',
};

export function refusedView(t: T, reason: Reason, host: string, email: string): Html {
  const refusal = REFUSALS[reason];
  return html`<section class="card narrow" aria-labelledby="refused-title">
  <h1 id="refused-title">${t.html(refusal.title)}</h1>
  ${notice(reason === 'enrollment_required' || reason === 'enrol_for_two_factors' ? 'info' : 'error', t(refusal.text))}
  <p>${t.html('apps:forwardAuth.appLine', { host: html`<code class="uri">${host}</code>`, email })}</p>
  ${refusal.action(t)}
</section>`;
}

export function protectedHostsView(
  t: T,
  orgId: string,
  orgName: string,
  hosts: readonly ProtectedHost[],
  csrf: string,
  message: { kind: 'error' | 'success'; text: string } | null,
  publicUrl: string,
): Html {
  const base = `/orgs/${orgId}/forward-auth`;
  const roleWord = (role: string): string => (ROLE_WORDS[role] ? t(ROLE_WORDS[role]) : role);
  return html`<h1>${t('apps:forwardAuth.title', { org: orgName })}</h1>
${notice(message?.kind ?? 'info', message?.text)}
<section class="card" aria-labelledby="hosts-title">
  <h2 id="hosts-title">${t('apps:forwardAuth.hosts')}</h2>
  <p>${t.html('apps:forwardAuth.intro', { org: orgName, url: html`<code class="uri">${publicUrl}</code>` })}</p>
  ${
    hosts.length === 0
      ? html`<p class="muted">${t('apps:forwardAuth.none')}</p>`
      : html`<ul class="plain-list">${hosts.map(
          (
            h,
          ) => html`<li><code class="uri">${h.host}</code> — ${t(h.requireTwoFactor ? 'apps:forwardAuth.twoFactorsRequired' : 'apps:forwardAuth.passwordOrTwoFactors')} · ${h.roles.length ? h.roles.map(roleWord).join(', ') : t('apps:forwardAuth.everyMember')}
        <form method="post" action="${base}/${h.id}/delete" class="inline">${csrfInput(csrf)}<button type="submit" class="danger small">${t('common:actions.remove')}<span class="sr-only"> ${h.host}</span></button></form></li>`,
        )}</ul>`
  }
</section>
<section class="card" aria-labelledby="add-host-title">
  <h2 id="add-host-title">${t('apps:forwardAuth.protectTitle')}</h2>
  <form method="post" action="${base}">
    ${csrfInput(csrf)}
    <label for="host">${t.html('apps:forwardAuth.host')}</label>
    <input id="host" name="host" type="text" maxlength="260" required autocapitalize="none" spellcheck="false">
    <label class="check"><input type="checkbox" name="requireTwoFactor" value="1" checked> ${t('apps:forwardAuth.requireTwoFactor')}</label>
    <fieldset><legend>${t.html('apps:forwardAuth.whoMayEnter')}</legend>
      ${(['owner', 'admin', 'staff', 'client'] as const).map((r) => html`<label class="check"><input type="checkbox" name="roles" value="${r}"> ${roleLabel(t, r)}</label>`)}
    </fieldset>
    <button type="submit">${t('apps:forwardAuth.protectButton')}</button>
  </form>
</section>`;
}
