/** Markup for passkeys: the "Add a passkey" form and the passkey buttons (driven by /static/webauthn.js). */
import { PASSKEY } from '../../config/defaults.ts';
import { html, type Html } from '../../core/html.ts';
import { notice } from '../../pages/layout.ts';

/** The bundled WebAuthn client (scripts/build-client.mjs). */
export const WEBAUTHN_SCRIPT = '/static/webauthn.js';

/** Where an error of the passkey script appears (announced to screen readers). */
export function passkeyErrorBox(): Html {
  return html`<div class="notice notice-error" role="alert" data-passkey-error hidden></div>`;
}

const unsupported = html`<p class="hint" data-passkey-unsupported hidden>This browser cannot use passkeys. Try another browser, or choose another way.</p>`;

export function passkeySetupView(csrf: string, error: string | null): Html {
  return html`<section class="card" aria-labelledby="passkey-title">
  <h1 id="passkey-title">Add a passkey</h1>
  ${notice('error', error)}
  ${passkeyErrorBox()}
  <p>A passkey signs you in with this device's screen lock, your phone, or a security key — nothing to type, and it only works on this site, so it cannot be phished.</p>
  <ol class="steps">
    <li>Give the passkey a name you will recognise later, like "Work laptop" or "Pixel phone".</li>
    <li>Choose <strong>Add passkey</strong> and follow your browser: confirm with your fingerprint, face, PIN or security key.</li>
  </ol>
  <p><strong>Want the passkey on your phone while you are on a laptop?</strong> When the browser asks where to save it, choose
    <em>Use a phone or tablet</em> (sometimes "another device"), scan the QR code with your phone's camera, and confirm on the phone.
    The phone keeps the passkey; Bluetooth on both devices lets them find each other. You don't need to turn two-factor authentication off to add one.</p>
  <form method="post" action="/profile/security/passkey" data-passkey-register>
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="passkey-label">Name for this passkey</label>
    <input id="passkey-label" name="label" type="text" maxlength="${PASSKEY.labelMaxLength}" required autocomplete="off" placeholder="e.g. Work laptop">
    <button type="submit" hidden>Add passkey</button>
    <a class="button secondary" href="/profile/security">Cancel</a>
  </form>
  <noscript><p class="hint">Adding a passkey needs JavaScript in this browser.</p></noscript>
  ${unsupported}
</section>`;
}

/** The passkey button inside a re-authentication or "turn off" form (fills the form's method and code). */
export function passkeyProofButton(): Html {
  return html`<p><button type="button" class="secondary" data-passkey-proof hidden>Use your passkey instead of a code</button></p>
    ${passkeyErrorBox()}`;
}

/** The second step with a passkey on the challenge page. */
export function passkeyChallengeView(trustDays: number, next = '/profile'): Html {
  return html`${passkeyErrorBox()}
  ${
    trustDays > 0
      ? html`<label class="checkbox"><input type="checkbox" name="trustDevice" value="1"> Trust this device for ${trustDays} days</label>
  <p class="hint">You will not be asked for a second step on this browser until then. Don't tick this on a shared computer.</p>`
      : ''
  }
  <p><button type="button" data-passkey-sign-in="second-step" data-next="${next}" hidden>Use your passkey</button></p>
  <noscript><p class="hint">Using a passkey needs JavaScript. Choose another way below.</p></noscript>
  ${unsupported}`;
}

/** "Sign in with a passkey" for the sign-in page (the email field carries autocomplete="username webauthn"). */
export function passkeySignInButton(next: string): Html {
  return html`${passkeyErrorBox()}
  <p><button type="button" class="secondary" data-passkey-sign-in="passwordless" data-next="${next}" hidden>Sign in with a passkey</button></p>`;
}
