/** Markup of the Organization → Branding page: name and colour form, logo upload and removal. */
import { BRANDING } from '../config/defaults.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { csrfInput, input } from '../pages/ui.ts';
import type { BrandingView } from '../flows/branding.ts';
import type { T } from '../i18n/index.ts';

export interface BrandingForm {
  readonly displayName: string;
  readonly accentColor: string;
}

export function brandingView(
  t: T,
  o: {
    readonly orgId: string;
    readonly orgName: string;
    readonly branding: BrandingView;
    readonly values: BrandingForm;
    readonly csrf: string;
    readonly message: { readonly kind: 'error' | 'success'; readonly text: string; readonly field?: string } | null;
  },
): Html {
  const base = `/orgs/${o.orgId}/branding`;
  const field = o.message?.kind === 'error' ? (o.message.field ?? null) : null;
  return html`<h1>${t('org:branding.heading', { org: o.orgName })}</h1>
${notice(o.message?.kind ?? 'info', o.message?.text)}
<section class="card" aria-labelledby="look-title">
  <h2 id="look-title">${t('org:branding.lookHeading')}</h2>
  <p>${t.html('org:branding.lookIntro', { org: o.orgName })}</p>
  <form method="post" action="${base}">
    ${csrfInput(o.csrf)}
    ${input({ id: 'displayName', name: 'displayName', label: t('org:branding.displayName'), value: o.values.displayName, required: false, maxlength: BRANDING.displayNameMaxLength, hint: t('org:branding.displayNameHint', { org: o.orgName }), invalid: field === 'displayName', autocomplete: 'organization' })}
    ${input({ id: 'accentColor', name: 'accentColor', label: t('org:branding.accentColor'), value: o.values.accentColor, required: false, maxlength: 7, hint: t('org:branding.accentColorHint', { contrast: BRANDING.minContrast }), invalid: field === 'accentColor' })}
    <button type="submit">${t('org:branding.save')}</button>
  </form>
</section>
<section class="card" aria-labelledby="logo-title">
  <h2 id="logo-title">${t('org:branding.logoHeading')}</h2>
  ${
    o.branding.logoUrl
      ? html`<p><img class="logo-preview" src="${o.branding.logoUrl}" alt="${t('org:branding.logoAlt', { org: o.orgName })}" height="48"></p>
  <form method="post" action="${base}/logo/remove" class="inline">${csrfInput(o.csrf)}<button type="submit" class="danger small">${t('org:branding.removeLogo')}</button></form>`
      : html`<p class="muted">${t('org:branding.noLogo')}</p>`
  }
  <form method="post" action="${base}/logo" enctype="multipart/form-data">
    ${csrfInput(o.csrf)}
    <label for="logo">${t('org:branding.uploadLabel')}</label>
    <input id="logo" name="logo" type="file" accept="image/png,image/jpeg" required aria-describedby="logo-hint"${field === 'logo' ? html` aria-invalid="true"` : ''}>
    <p class="hint" id="logo-hint">${t('org:branding.logoHint', { kb: BRANDING.logoMaxBytes / 1024 })}</p>
    <button type="submit">${t('org:branding.upload')}</button>
  </form>
</section>`;
}
