/** The pages of an app's sign-in request: continue, confirm, step-up, consent, enrolment detour, no access. */
import { html, type Html } from '../core/html.ts';
import { layout, notice } from '../pages/layout.ts';
import type { T } from '../i18n/index.ts';
import { csrfInput } from '../pages/ui.ts';
import { factorCodeFields, phoneProofFor } from '../pages/security-views.ts';
import { english } from '../i18n/index.ts';
import type { FactorOverview as Overview } from '../factors/overview.ts';

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are (a stable user id)',
  email: 'See your email address',
  profile: 'See your name',
  org: 'See your organization and your role in it',
  offline_access: 'Stay connected when you are not using it (a refresh token)',
};

/** Shown for an instant between twofold's last step and the app; the link is there without refresh too. */
export function continuePage(t: T, productName: string, appName: string, returnTo: string, cancelled: boolean): Html {
  return layout(
    { title: `Continuing to ${appName}`, t, productName, refreshTo: returnTo },
    html`<section class="card narrow" aria-labelledby="continue-title">
  <h1 id="continue-title">${cancelled ? `Returning to ${appName}` : `Continuing to ${appName}`}</h1>
  <p><a class="button" href="${returnTo}">Continue</a></p>
</section>`,
  );
}

function cancelForm(here: string, csrf: string, label = 'Cancel'): Html {
  return html`<form method="post" action="${here}/abort" class="inline">${csrfInput(csrf)}<button type="submit" class="secondary">${label}</button></form>`;
}

/** A fresh proof: the app asked for it (prompt=login, max_age). Password, and the second factor when on. */
export function confirmPage(
  appName: string,
  data: Overview,
  here: string,
  csrf: string,
  sent: string | null,
  error: string | null,
): Html {
  return html`<section class="card narrow" aria-labelledby="confirm-title">
  <h1 id="confirm-title">Confirm it's you</h1>
  <p><strong>${appName}</strong> asks you to sign in again${data.twoFactorEnabled ? ' with your password and your second factor' : ''}.</p>
  ${notice('error', error)}
  ${phoneProofFor(english, data, csrf, here, sent)}
  <form method="post" action="${here}/confirm">
    ${csrfInput(csrf)}
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    ${data.twoFactorEnabled ? factorCodeFields(english, data) : ''}
    <button type="submit">Continue</button>
  </form>
  ${cancelForm(here, csrf)}
</section>`;
}

/** The app asked for two factors (acr_values urn:twofold:aal2) and this session has one. */
export function stepUpPage(
  appName: string,
  data: Overview,
  here: string,
  csrf: string,
  sent: string | null,
  error: string | null,
): Html {
  return html`<section class="card narrow" aria-labelledby="step-up-title">
  <h1 id="step-up-title">Use your second factor</h1>
  <p><strong>${appName}</strong> asks for two-factor authentication to continue.</p>
  ${notice('error', error)}
  ${phoneProofFor(english, data, csrf, here, sent)}
  <form method="post" action="${here}/step-up">
    ${csrfInput(csrf)}
    ${factorCodeFields(english, data)}
    <button type="submit">Verify</button>
  </form>
  ${cancelForm(here, csrf)}
</section>`;
}

export function consentPage(
  appName: string,
  orgName: string,
  email: string,
  scopes: readonly string[],
  here: string,
  csrf: string,
): Html {
  const listed = scopes.filter((s) => SCOPE_TEXT[s]);
  return html`<section class="card narrow" aria-labelledby="consent-title">
  <h1 id="consent-title">Allow ${appName} to sign you in?</h1>
  <p><strong>${appName}</strong>${orgName ? html` (registered by ${orgName})` : ''} wants to use your account <strong>${email}</strong> to:</p>
  <ul>${(listed.length ? listed : ['openid']).map((s) => html`<li>${SCOPE_TEXT[s] ?? s}</li>`)}</ul>
  <div class="row-actions">
    <form method="post" action="${here}/consent" class="inline">${csrfInput(csrf)}<button type="submit">Allow</button></form>
    ${cancelForm(here, csrf, 'Deny')}
  </div>
  <p class="hint">You can take this back at any time under Profile → <a href="/profile/apps">Apps you signed in to</a>.</p>
</section>`;
}

/** The org requires 2FA and the deadline passed, or the app asks for two factors of a user with none. */
export function enrolPage(appName: string, orgRequires: boolean, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="enrol-title">
  <h1 id="enrol-title">Set up two-factor authentication</h1>
  ${notice(
    'info',
    orgRequires
      ? `Your organization requires two-factor authentication before you can continue to ${appName}.`
      : `${appName} asks for two-factor authentication, and your account does not have it yet.`,
  )}
  <p>It takes about two minutes. When you are done, you come back here and continue to ${appName}.</p>
  <p class="row-actions"><a class="button" href="/profile/security/totp">Set up an authenticator app</a> <a class="button secondary" href="/profile/security">Other methods</a></p>
  ${cancelForm(here, csrf, `Cancel and return to ${appName}`)}
</section>`;
}

export function notMemberPage(appName: string, orgName: string, email: string, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="no-access-title">
  <h1 id="no-access-title">You can't sign in to ${appName}</h1>
  ${notice('error', `${appName} is for members of ${orgName || 'another organization'}, and ${email} is not a member.`)}
  <p>Ask an admin of ${orgName || 'that organization'} to invite you, or sign out and use another account.</p>
  ${cancelForm(here, csrf, `Return to ${appName}`)}
</section>`;
}

export function suspendedPage(appName: string, email: string, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="suspended-title">
  <h1 id="suspended-title">You can't sign in to ${appName}</h1>
  ${notice('error', `The account ${email} is suspended.`)}
  <p>Ask an admin of your organization to reactivate it.</p>
  ${cancelForm(here, csrf, `Return to ${appName}`)}
</section>`;
}

/** The app asked for another account than the one signed in to twofold in this browser. */
export function otherAccountPage(appName: string, email: string, here: string, csrf: string): Html {
  return html`<section class="card narrow" aria-labelledby="other-account-title">
  <h1 id="other-account-title">${appName} asks for another account</h1>
  ${notice('info', `You are signed in as ${email}, but ${appName} asked to continue with a different account.`)}
  <p>Sign out, then start again from ${appName} and sign in with the account it expects.</p>
  <div class="row-actions">
    <form method="post" action="/sign-out" class="inline">${csrfInput(csrf)}<button type="submit">Sign out</button></form>
    ${cancelForm(here, csrf, `Return to ${appName}`)}
  </div>
</section>`;
}
