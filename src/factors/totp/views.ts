/** Markup of the authenticator-app setup: the QR code (an SVG made on the server), the key as text, the code. */
import { html, raw, type Html } from '../../core/html.ts';
import type { T } from '../../i18n/index.ts';
import { notice } from '../../pages/layout.ts';
import type { TotpSetup } from './setup.ts';

export function totpSetupView(t: T, setup: TotpSetup, csrf: string, error: string | null): Html {
  return html`<section class="card" aria-labelledby="totp-title">
  <h1 id="totp-title">${t('security:totp.title')}</h1>
  ${notice('error', error)}
  <ol class="steps">
    <li>${t('security:totp.step1')}</li>
    <li>${t('security:totp.step2')}
      <div class="qr" role="img" aria-label="${t('security:totp.qr')}">${raw(setup.qrSvg)}</div>
      <p>${t.html('security:totp.cantScan')}</p>
      <p class="copy-row"><code class="secret" id="totp-secret">${setup.secretGroups}</code>
        <button type="button" class="secondary small" data-copy-from="totp-secret" data-copied="${t('common:actions.copied')}" data-copy-failed="${t('security:totp.copyFailed')}" hidden>${t('security:totp.copyKey')}</button></p>
      <details><summary>${t('security:totp.showLink')}</summary><p><code class="uri">${setup.otpauthUri}</code></p></details>
    </li>
    <li>${t('security:totp.step3')}
      <p class="hint">${t('security:totp.keepIt')}
      <a href="/profile/security/totp?restart=1">${t('security:totp.restart')}</a></p></li>
  </ol>
  <form method="post" action="/profile/security/totp">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="enrollmentId" value="${setup.enrollmentId}">
    <label for="code">${t('security:totp.code')}</label>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="10" required>
    <label for="label">${t.html('security:totp.label')}</label>
    <input id="label" name="label" type="text" maxlength="100" placeholder="${t('security:totp.labelPlaceholder')}">
    <button type="submit">${t('security:totp.turnOn')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a>
  </form>
</section>`;
}
