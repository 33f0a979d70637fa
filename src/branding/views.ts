/** Markup of the Organization → Branding page: name and colour form, logo upload and removal. */
import { BRANDING } from '../config/defaults.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { csrfInput, input } from '../pages/ui.ts';
import type { BrandingView } from '../flows/branding.ts';

export interface BrandingForm {
  readonly displayName: string;
  readonly accentColor: string;
}

export function brandingView(o: {
  readonly orgId: string;
  readonly orgName: string;
  readonly branding: BrandingView;
  readonly values: BrandingForm;
  readonly csrf: string;
  readonly message: { readonly kind: 'error' | 'success'; readonly text: string; readonly field?: string } | null;
}): Html {
  const base = `/orgs/${o.orgId}/branding`;
  const field = o.message?.kind === 'error' ? (o.message.field ?? null) : null;
  return html`<h1>Branding — ${o.orgName}</h1>
${notice(o.message?.kind ?? 'info', o.message?.text)}
<section class="card" aria-labelledby="look-title">
  <h2 id="look-title">Name and colour</h2>
  <p>Sign-in pages, app sign-ins and invitations for ${o.orgName} show this name, your logo and your colour instead of the product's own look.</p>
  <form method="post" action="${base}">
    ${csrfInput(o.csrf)}
    ${input({ id: 'displayName', name: 'displayName', label: 'Display name', value: o.values.displayName, required: false, maxlength: BRANDING.displayNameMaxLength, hint: `Leave empty to use the organization's name (${o.orgName}).`, invalid: field === 'displayName', autocomplete: 'organization' })}
    ${input({ id: 'accentColor', name: 'accentColor', label: 'Accent colour', value: o.values.accentColor, required: false, maxlength: 7, hint: `A hex colour such as #1d4ed8, used for buttons and links. It must be dark enough for white text (contrast at least ${BRANDING.minContrast}:1). Leave empty for the default.`, invalid: field === 'accentColor' })}
    <button type="submit">Save</button>
  </form>
</section>
<section class="card" aria-labelledby="logo-title">
  <h2 id="logo-title">Logo</h2>
  ${
    o.branding.logoUrl
      ? html`<p><img class="logo-preview" src="${o.branding.logoUrl}" alt="Current logo of ${o.orgName}" height="48"></p>
  <form method="post" action="${base}/logo/remove" class="inline">${csrfInput(o.csrf)}<button type="submit" class="danger small">Remove logo</button></form>`
      : html`<p class="muted">No logo yet.</p>`
  }
  <form method="post" action="${base}/logo" enctype="multipart/form-data">
    ${csrfInput(o.csrf)}
    <label for="logo">Upload a logo</label>
    <input id="logo" name="logo" type="file" accept="image/png,image/jpeg" required aria-describedby="logo-hint"${field === 'logo' ? html` aria-invalid="true"` : ''}>
    <p class="hint" id="logo-hint">PNG or JPEG, at most ${BRANDING.logoMaxBytes / 1024} KB. Shown about 32 pixels high; a wide logo on a transparent or white background works best. SVG is not accepted.</p>
    <button type="submit">Upload logo</button>
  </form>
</section>`;
}
