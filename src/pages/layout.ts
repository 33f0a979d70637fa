/** The page shell: accessible landmarks, one stylesheet, no inline script (CSP). */
import { html, type Html } from '../core/html.ts';

export interface LayoutOptions {
  readonly title: string;
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
  // Referrer policy for the page: under the `no-referrer` response header, browsers send `Origin: null`
  // on form posts, which the CSRF Origin check refuses. `strict-origin` sends our origin and never a path,
  // so tokens in reset and invitation URLs still stay out of Referer.
  return html`<!doctype html>
<html lang="en">
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
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
  ${
    brand
      ? html`<a class="brand brand-org" href="/">${brand.logoUrl ? html`<img class="brand-logo" src="${brand.logoUrl}" alt="" height="32">` : ''}<span>${brand.name}</span></a>`
      : html`<a class="brand" href="/">${options.productName}</a>`
  }
  ${
    nav
      ? html`<button type="button" class="menu-toggle secondary small" aria-controls="main-nav" aria-expanded="false" hidden>Menu</button>
    <nav aria-label="Main" id="main-nav">
      <ul>
        <li><a href="/profile">Profile</a></li>
        <li><a href="/profile/security">Security</a></li>
        ${
          nav.orgId && nav.isManager
            ? html`<li><a href="/orgs/${nav.orgId}/members">People</a></li>
        <li><a href="/orgs/${nav.orgId}/compliance">2FA compliance</a></li>
        <li><a href="/orgs/${nav.orgId}/settings">Organization</a></li>
        <li><a href="/orgs/${nav.orgId}/apps">Apps</a></li>
        <li><a href="/orgs/${nav.orgId}/audit">Audit log</a></li>`
            : ''
        }
      </ul>
      <form method="post" action="/sign-out" class="inline">
        <input type="hidden" name="_csrf" value="${nav.csrf}">
        <button type="submit" class="link">Sign out <span class="muted">(${nav.email})</span></button>
      </form>
    </nav>`
      : ''
  }
</header>
<main id="main">
${body}
</main>
</body>
</html>`;
}

/** A message box: role=alert for errors so screen readers announce them. */
export function notice(kind: 'error' | 'success' | 'info', text: string | null | undefined): Html {
  if (!text) return html``;
  return kind === 'error'
    ? html`<div class="notice notice-error" role="alert">${text}</div>`
    : html`<div class="notice notice-${kind}" role="status">${text}</div>`;
}
