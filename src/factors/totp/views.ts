/** Markup of the authenticator-app setup: the QR code (an SVG made on the server), the key as text, the code. */
import { html, raw, type Html } from '../../core/html.ts';
import { notice } from '../../pages/layout.ts';
import type { TotpSetup } from './setup.ts';

export function totpSetupView(setup: TotpSetup, csrf: string, error: string | null): Html {
  return html`<section class="card" aria-labelledby="totp-title">
  <h1 id="totp-title">Set up an authenticator app</h1>
  ${notice('error', error)}
  <ol class="steps">
    <li>Open your authenticator app (Google Authenticator, Authy, 1Password, Microsoft Authenticator…) and add an account.</li>
    <li>Scan this QR code with the app.
      <div class="qr" role="img" aria-label="QR code for your authenticator app">${raw(setup.qrSvg)}</div>
      <p>Can't scan it? Enter this key in the app instead (time-based):</p>
      <p class="copy-row"><code class="secret" id="totp-secret">${setup.secretGroups}</code>
        <button type="button" class="secondary small" data-copy-from="totp-secret" hidden>Copy key</button></p>
      <details><summary>Show the setup link</summary><p><code class="uri">${setup.otpauthUri}</code></p></details>
    </li>
    <li>Enter the 6-digit code the app shows. This setup expires in 15 minutes.
      <p class="hint">Already added this account to your app? Keep it: a wrong code does not change the key.
      <a href="/profile/security/totp?restart=1">Start again with a new key</a></p></li>
  </ol>
  <form method="post" action="/profile/security/totp">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="enrollmentId" value="${setup.enrollmentId}">
    <label for="code">Code from the app</label>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="10" required>
    <label for="label">Name for this app <span class="muted">(optional)</span></label>
    <input id="label" name="label" type="text" maxlength="100" placeholder="e.g. Phone — Google Authenticator">
    <button type="submit">Turn on</button>
    <a class="button secondary" href="/profile/security">Cancel</a>
  </form>
</section>`;
}
