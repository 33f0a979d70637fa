/** Pages the provider itself shows (sign-out confirmation, signed out, protocol errors), in twofold's layout. */
import { html, raw } from '../core/html.ts';
import { layout, notice } from '../pages/layout.ts';
import type { T } from '../i18n/index.ts';

/** The provider's form carries its own anti-forgery field; the buttons submit it. */
export function logoutPage(t: T, productName: string, appName: string | null, providerForm: string): string {
  return layout(
    { title: t('apps:provider.logoutTitle'), t, productName },
    html`<section class="card narrow" aria-labelledby="logout-title">
  <h1 id="logout-title">${t('apps:provider.logoutHeading')}</h1>
  <p>${appName ? t.html('apps:provider.logoutAsksNamed', { app: appName }) : t('apps:provider.logoutAsks')} ${t('apps:provider.logoutEndsSession', { product: productName })}</p>
  ${raw(providerForm)}
  <p class="row-actions">
    <button type="submit" form="op.logoutForm" name="logout" value="yes">${t('common:layout.signOut')}</button>
    <button type="submit" form="op.logoutForm" class="secondary">${t('apps:provider.staySignedIn', { product: productName })}</button>
  </p>
</section>`,
  ).value;
}

export function signedOutPage(t: T, productName: string, appName: string | null): string {
  return layout(
    { title: t('apps:provider.signedOutTitle'), t, productName },
    html`<section class="card narrow" aria-labelledby="signed-out-title">
  <h1 id="signed-out-title">${t('apps:provider.signedOutHeading')}</h1>
  <p>${appName ? t.html('apps:provider.signedOutOfNamed', { app: appName }) : t('apps:provider.signedOut')}</p>
  <p><a href="/sign-in">${t('apps:provider.signInAgain')}</a></p>
</section>`,
  ).value;
}

/** OAuth errors that cannot be sent back to the app (e.g. an unknown redirect URI), shown to the person. */
export function oidcErrorPage(t: T, productName: string, out: Record<string, string>): string {
  return layout(
    { title: t('apps:provider.errorTitle'), t, productName },
    html`<section class="card narrow" aria-labelledby="oidc-error-title">
  <h1 id="oidc-error-title">${t('apps:provider.errorHeading')}</h1>
  ${notice('error', out.error_description ?? t('apps:provider.errorDefault'))}
  <p class="hint">${t.html('apps:provider.errorCode', { code: html`<code class="error-code">${out.error ?? 'invalid_request'}</code>` })}</p>
  <p><a href="/">${t('common:errorPage.home')}</a></p>
</section>`,
  ).value;
}
