/** Pages the provider itself shows (sign-out confirmation, signed out, protocol errors), in twofold's layout. */
import { html, raw } from '../core/html.ts';
import { layout, notice } from '../pages/layout.ts';
import type { T } from '../i18n/index.ts';

/** The provider's form carries its own anti-forgery field; the buttons submit it. */
export function logoutPage(t: T, productName: string, appName: string | null, providerForm: string): string {
  return layout(
    { title: 'Sign out', t, productName },
    html`<section class="card narrow" aria-labelledby="logout-title">
  <h1 id="logout-title">Sign out?</h1>
  <p>${appName ? html`<strong>${appName}</strong> asks to sign you out.` : 'An app asks to sign you out.'} Signing out also ends your ${productName} session in this browser.</p>
  ${raw(providerForm)}
  <p class="row-actions">
    <button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
    <button type="submit" form="op.logoutForm" class="secondary">Stay signed in to ${productName}</button>
  </p>
</section>`,
  ).value;
}

export function signedOutPage(t: T, productName: string, appName: string | null): string {
  return layout(
    { title: 'Signed out', t, productName },
    html`<section class="card narrow" aria-labelledby="signed-out-title">
  <h1 id="signed-out-title">You are signed out</h1>
  <p>${appName ? html`You signed out of <strong>${appName}</strong>.` : 'You signed out.'}</p>
  <p><a href="/sign-in">Sign in again</a></p>
</section>`,
  ).value;
}

/** OAuth errors that cannot be sent back to the app (e.g. an unknown redirect URI), shown to the person. */
export function oidcErrorPage(t: T, productName: string, out: Record<string, string>): string {
  return layout(
    { title: 'Sign-in request refused', t, productName },
    html`<section class="card narrow" aria-labelledby="oidc-error-title">
  <h1 id="oidc-error-title">This sign-in request cannot continue</h1>
  ${notice('error', out.error_description ?? 'The app sent a request twofold cannot accept.')}
  <p class="hint">Error code: <code class="error-code">${out.error ?? 'invalid_request'}</code> — tell the app's developers.</p>
  <p><a href="/">Go to the start page</a></p>
</section>`,
  ).value;
}
