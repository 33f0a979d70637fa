/** Markup for passkeys: the "Add a passkey" form and the passkey buttons (driven by /static/webauthn.js). */
import { PASSKEY } from '../../config/defaults.ts';
import { html, type Html } from '../../core/html.ts';
import type { T } from '../../i18n/index.ts';
import { notice } from '../../pages/layout.ts';

/** The bundled WebAuthn client (scripts/build-client.mjs). */
export const WEBAUTHN_SCRIPT = '/static/webauthn.js';

/**
 * Where an error of the passkey script appears (announced to screen readers); it carries the script's own
 * messages in the reader's language.
 */
export function passkeyErrorBox(t: T): Html {
  return html`<div class="notice notice-error" role="alert" data-passkey-error data-message-generic="${t('security:passkey.errorGeneric')}" data-message-cancelled="${t('security:passkey.errorCancelled')}" data-message-registered="${t('security:passkey.errorRegistered')}" hidden></div>`;
}

const unsupported = (t: T) =>
  html`<p class="hint" data-passkey-unsupported hidden>${t('security:passkey.unsupported')}</p>`;

export function passkeySetupView(t: T, csrf: string, error: string | null): Html {
  return html`<section class="card" aria-labelledby="passkey-title">
  <h1 id="passkey-title">${t('security:passkey.title')}</h1>
  ${notice('error', error)}
  ${passkeyErrorBox(t)}
  <p>${t.html('security:passkey.intro')}</p>
  <ol class="steps">
    <li>${t.html('security:passkey.step1')}</li>
    <li>${t.html('security:passkey.step2')}</li>
  </ol>
  <p>${t.html('security:passkey.phone')}</p>
  <form method="post" action="/profile/security/passkey" data-passkey-register>
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="passkey-label">${t('security:passkey.label')}</label>
    <input id="passkey-label" name="label" type="text" maxlength="${PASSKEY.labelMaxLength}" required autocomplete="off" placeholder="${t('security:passkey.labelPlaceholder')}">
    <button type="submit" hidden>${t('security:passkey.add')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a>
  </form>
  <noscript><p class="hint">${t('security:passkey.noScript')}</p></noscript>
  ${unsupported(t)}
</section>`;
}

/** The passkey button inside a re-authentication or "turn off" form (fills the form's method and code). */
export function passkeyProofButton(t: T): Html {
  return html`<p><button type="button" class="secondary" data-passkey-proof hidden>${t('security:passkey.useInstead')}</button></p>
    ${passkeyErrorBox(t)}`;
}

/** The second step with a passkey on the challenge page. */
export function passkeyChallengeView(t: T, trustDays: number, next = '/profile'): Html {
  return html`${passkeyErrorBox(t)}
  ${
    trustDays > 0
      ? html`<label class="checkbox"><input type="checkbox" name="trustDevice" value="1"> ${t('security:passkey.trust', { count: trustDays })}</label>
  <p class="hint">${t.html('security:passkey.trustHint')}</p>`
      : ''
  }
  <p><button type="button" data-passkey-sign-in="second-step" data-next="${next}" hidden>${t('security:passkey.use')}</button></p>
  <noscript><p class="hint">${t('security:passkey.useNoScript')}</p></noscript>
  ${unsupported(t)}`;
}

/** "Sign in with a passkey" for the sign-in page (the email field carries autocomplete="username webauthn"). */
export function passkeySignInButton(t: T, next: string): Html {
  return html`${passkeyErrorBox(t)}
  <p><button type="button" class="secondary" data-passkey-sign-in="passwordless" data-next="${next}" hidden>${t('security:passkey.signIn')}</button></p>`;
}
