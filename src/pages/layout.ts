/** The page shell: accessible landmarks, one stylesheet, no inline script (CSP). */
import { html, type Html } from '../core/html.ts';
import { LOCALES, type T } from '../i18n/index.ts';

export interface LayoutOptions {
  readonly title: string;
  /** The reader's language: `lang`, the shell's texts. */
  readonly t: T;
  /** This page's path and query: the language links come back to it (public pages only). */
  readonly path?: string;
  readonly productName: string;
  /** Signed-in navigation; omitted on public pages. */
  readonly nav?: {
    readonly email: string;
    readonly orgId: string | null;
    readonly isManager: boolean;
    readonly csrf: string;
  } | null;
  readonly scripts?: readonly string[];
  /**
   * An org's look (src/branding): its name and logo in the header, its accent colour as the `--brand` custom
   * property (a same-origin stylesheet: the CSP allows no inline style). Omitted: the product's own look.
   */
  readonly brand?: {
    readonly orgId: string;
    readonly name: string;
    readonly logoUrl: string | null;
    readonly accentColor: string | null;
  } | null;
  /** Moves on to this address at once (a new navigation, not a redirect of the form post that led here). */
  readonly refreshTo?: string;
}

export function layout(options: LayoutOptions, body: Html): Html {
  const nav = options.nav;
  const brand = options.brand ?? null;
  const t = options.t;
  // Referrer policy for the page: under the `no-referrer` response header, browsers send `Origin: null`
  // on form posts, which the CSRF Origin check refuses. `strict-origin` sends our origin and never a path,
  // so tokens in reset and invitation URLs still stay out of Referer.
  return html`<!doctype html>
<html lang="${t.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="strict-origin">
${options.refreshTo ? html`<meta http-equiv="refresh" content="0;url=${options.refreshTo}">` : ''}
<title>${options.title} · ${options.productName}</title>
<link rel="stylesheet" href="/static/app.css">
${brand?.accentColor ? html`<link rel="stylesheet" href="/branding/${brand.orgId}/theme.css?v=${brand.accentColor.slice(1)}">` : ''}
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
${nav ? html`<script src="/static/nav.js" defer></script>` : ''}
<script src="/static/local-time.js" defer></script>
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">${t('common:layout.skip')}</a>
<header class="topbar">
  ${
    brand
      ? html`<a class="brand brand-org" href="/">${brand.logoUrl ? html`<img class="brand-logo" src="${brand.logoUrl}" alt="" height="32">` : ''}<span>${brand.name}</span></a>`
      : html`<a class="brand" href="/">${options.productName}</a>`
  }
  ${
    nav
      ? html`<button type="button" class="menu-toggle secondary small" aria-controls="main-nav" aria-expanded="false" hidden>${t('common:layout.menu')}</button>
    <nav aria-label="${t('common:layout.mainNav')}" id="main-nav">
      <ul>
        <li><a href="/profile">${t('common:nav.profile')}</a></li>
        <li><a href="/profile/security">${t('common:nav.security')}</a></li>
        ${
          nav.orgId && nav.isManager
            ? html`<li><a href="/orgs/${nav.orgId}/members">${t('common:nav.people')}</a></li>
        <li><a href="/orgs/${nav.orgId}/compliance">${t('common:nav.compliance')}</a></li>
        <li><a href="/orgs/${nav.orgId}/settings">${t('common:nav.organization')}</a></li>
        <li><a href="/orgs/${nav.orgId}/apps">${t('common:nav.apps')}</a></li>
        <li><a href="/orgs/${nav.orgId}/audit">${t('common:nav.audit')}</a></li>`
            : ''
        }
      </ul>
      <form method="post" action="/sign-out" class="inline">
        <input type="hidden" name="_csrf" value="${nav.csrf}">
        <button type="submit" class="link">${t('common:layout.signOut')} <span class="muted">(${nav.email})</span></button>
      </form>
    </nav>`
      : ''
  }
</header>
<main id="main">
${body}
</main>
${nav ? '' : languageLinks(t, options.path ?? '/')}
</body>
</html>`;
}

/**
 * On public pages: the other languages, as links that remember the choice on this browser and come back
 * here. (Signed in, the saved preference on the profile page decides.)
 */
function languageLinks(t: T, path: string): Html {
  const others = LOCALES.filter((locale) => locale !== t.locale);
  return html`<footer class="languages">
<nav aria-label="${t('common:layout.languages')}"><ul>${others.map((locale) => html`<li><a href="/language/${locale}?next=${encodeURIComponent(path)}" lang="${locale}" hreflang="${locale}">${t(`common:languageNames.${locale}`)}</a></li>`)}</ul></nav>
</footer>`;
}

/** A message box: role=alert for errors so screen readers announce them. */
export function notice(kind: 'error' | 'success' | 'info', text: string | null | undefined): Html {
  if (!text) return html``;
  return kind === 'error'
    ? html`<div class="notice notice-error" role="alert">${text}</div>`
    : html`<div class="notice notice-${kind}" role="status">${text}</div>`;
}
