/** The pages of an app's sign-in request: continue, confirm, step-up, consent, enrolment detour, no access. */
import { html, type Html } from '../core/html.ts';
import { layout, notice, type LayoutOptions } from '../pages/layout.ts';
import type { MessageKey, T } from '../i18n/index.ts';
import { csrfInput } from '../pages/ui.ts';
import { factorCodeFields, phoneProofFor } from '../pages/security-views.ts';
import type { FactorOverview as Overview } from '../factors/overview.ts';

const SCOPE_TEXT: Readonly<Record<string, MessageKey>> = {
  openid: 'apps:interaction.scopes.openid',
  email: 'apps:interaction.scopes.email',
  profile: 'apps:interaction.scopes.profile',
  org: 'apps:interaction.scopes.org',
  offline_access: 'apps:interaction.scopes.offline_access',
};

/**
 * Shown for an instant between twofold's last step and the app; the link is there without refresh too.
 * `brand`: the app's org's look (src/branding/store.ts pageBrand), like the request's other pages.
 */
export function continuePage(
  t: T,
  productName: string,
  appName: string,
  returnTo: string,
  cancelled: boolean,
  brand: LayoutOptions['brand'] = null,
): Html {
  return layout(
    { title: t('apps:interaction.continuing', { app: appName }), t, productName, refreshTo: returnTo, brand },
    html`<section class="card narrow" aria-labelledby="continue-title">
  <h1 id="continue-title">${t(cancelled ? 'apps:interaction.returning' : 'apps:interaction.continuing', { app: appName })}</h1>
  <p><a class="button" href="${returnTo}">${t('common:actions.continue')}</a></p>
</section>`,
  );
}

function cancelForm(t: T, here: string, csrf: string, label = t('common:actions.cancel')): Html {
  return html`<form method="post" action="${here}/abort" class="inline">${csrfInput(csrf)}<button type="submit" class="secondary">${label}</button></form>`;
}

/** A fresh proof: the app asked for it (prompt=login, max_age). Password, and the second factor when on. */
export function confirmPage(
  t: T,
  appName: string,
  data: Overview,
  here: string,
  csrf: string,
  sent: string | null,
  error: string | null,
): Html {
  return html`<section class="card narrow" aria-labelledby="confirm-title">
  <h1 id="confirm-title">${t.html('apps:interaction.confirmHeading')}</h1>
  <p>${t.html(data.twoFactorEnabled ? 'apps:interaction.confirmAsksTwoFactor' : 'apps:interaction.confirmAsks', { app: appName })}</p>
  ${notice('error', error)}
  ${phoneProofFor(t, data, csrf, here, sent)}
  <form method="post" action="${here}/confirm">
    ${csrfInput(csrf)}
    <label for="password">${t('apps:interaction.password')}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    ${data.twoFactorEnabled ? factorCodeFields(t, data) : ''}
    <button type="submit">${t('common:actions.continue')}</button>
  </form>
  ${cancelForm(t, here, csrf)}
</section>`;
}

/** The app asked for two factors (acr_values urn:twofold:aal2) and this session has one. */
export function stepUpPage(
  t: T,
  appName: string,
  data: Overview,
  here: string,
  csrf: string,
  sent: string | null,
  error: string | null,
): Html {
  return html`<section class="card narrow" aria-labelledby="step-up-title">
  <h1 id="step-up-title">${t('apps:interaction.stepUpTitle')}</h1>
  <p>${t.html('apps:interaction.stepUpAsks', { app: appName })}</p>
  ${notice('error', error)}
  ${phoneProofFor(t, data, csrf, here, sent)}
  <form method="post" action="${here}/step-up">
    ${csrfInput(csrf)}
    ${factorCodeFields(t, data)}
    <button type="submit">${t('apps:interaction.verify')}</button>
  </form>
  ${cancelForm(t, here, csrf)}
</section>`;
}

export function consentPage(
  t: T,
  appName: string,
  orgName: string,
  email: string,
  scopes: readonly string[],
  here: string,
  csrf: string,
): Html {
  const listed = scopes.filter((s) => SCOPE_TEXT[s]);
  return html`<section class="card narrow" aria-labelledby="consent-title">
  <h1 id="consent-title">${t('apps:interaction.consentHeading', { app: appName })}</h1>
  <p>${orgName ? t.html('apps:interaction.consentWantsRegistered', { app: appName, org: orgName, email }) : t.html('apps:interaction.consentWants', { app: appName, email })}</p>
  <ul>${(listed.length ? listed : ['openid']).map((s) => html`<li>${SCOPE_TEXT[s] ? t(SCOPE_TEXT[s]) : s}</li>`)}</ul>
  <div class="row-actions">
    <form method="post" action="${here}/consent" class="inline">${csrfInput(csrf)}<button type="submit">${t('apps:interaction.allow')}</button></form>
    ${cancelForm(t, here, csrf, t('apps:interaction.deny'))}
  </div>
  <p class="hint">${t.html('apps:interaction.takeBack')}</p>
</section>`;
}

/** The org requires 2FA and the deadline passed, or the app asks for two factors of a user with none. */
export function enrolPage(t: T, appName: string, orgRequires: boolean, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="enrol-title">
  <h1 id="enrol-title">${t('apps:interaction.enrolTitle')}</h1>
  ${notice('info', t(orgRequires ? 'apps:interaction.enrolByOrg' : 'apps:interaction.enrolForApp', { app: appName }))}
  <p>${t('apps:interaction.enrolTakes', { app: appName })}</p>
  <p class="row-actions"><a class="button" href="/profile/security/totp">${t('apps:interaction.setUpTotp')}</a> <a class="button secondary" href="/profile/security">${t('apps:interaction.otherMethods')}</a></p>
  ${cancelForm(t, here, csrf, t('apps:interaction.cancelAndReturn', { app: appName }))}
</section>`;
}

export function notMemberPage(t: T, appName: string, orgName: string, email: string, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="no-access-title">
  <h1 id="no-access-title">${t.html('apps:interaction.cantSignIn', { app: appName })}</h1>
  ${notice('error', orgName ? t('apps:interaction.notMember', { app: appName, org: orgName, email }) : t('apps:interaction.notMemberOtherOrg', { app: appName, email }))}
  <p>${orgName ? t('apps:interaction.askInvite', { org: orgName }) : t('apps:interaction.askInviteOtherOrg')}</p>
  ${cancelForm(t, here, csrf, t('apps:interaction.returnTo', { app: appName }))}
</section>`;
}

export function suspendedPage(t: T, appName: string, email: string, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="suspended-title">
  <h1 id="suspended-title">${t.html('apps:interaction.cantSignIn', { app: appName })}</h1>
  ${notice('error', t('apps:interaction.suspended', { email }))}
  <p>${t('apps:interaction.askReactivate')}</p>
  ${cancelForm(t, here, csrf, t('apps:interaction.returnTo', { app: appName }))}
</section>`;
}

/** The app asked for another account than the one signed in to twofold in this browser. */
export function otherAccountPage(t: T, appName: string, email: string, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="other-account-title">
  <h1 id="other-account-title">${t('apps:interaction.otherAccountHeading', { app: appName })}</h1>
  ${notice('info', t('apps:interaction.otherAccount', { email, app: appName }))}
  <p>${t('apps:interaction.otherAccountHow', { app: appName })}</p>
  <div class="row-actions">
    <form method="post" action="/sign-out" class="inline">${csrfInput(csrf)}<button type="submit">${t('common:layout.signOut')}</button></form>
    ${cancelForm(t, here, csrf, t('apps:interaction.returnTo', { app: appName }))}
  </div>
</section>`;
}
