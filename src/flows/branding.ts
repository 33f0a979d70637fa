/**
 * An owner or admin sets the org's branding: the display name and accent colour shown on hosted pages and in
 * emails, and the logo. Reading it needs the same role; changing it needs sudo like the org's policy (a
 * changed look of the sign-in page is a phishing aid in the wrong hands). Every change is audited.
 */
import { audit, type Ctx } from '../context.ts';
import { BRANDING } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { accentContrast, parseHexColor, sniffLogo } from '../core/branding.ts';
import { requireManager } from '../orgs/service.ts';
import {
  getBranding,
  removeLogo as removeStoredLogo,
  setBrandingText,
  setLogo,
  type Branding,
} from '../branding/store.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

export interface BrandingView {
  readonly displayName: string | null;
  readonly accentColor: string | null;
  /** Where the logo is served (twofold's own origin), or null. */
  readonly logoUrl: string | null;
}

function view(branding: Branding): BrandingView {
  return {
    displayName: branding.displayName,
    accentColor: branding.accentColor,
    logoUrl: branding.logoHash ? `/branding/${encodeURIComponent(branding.orgId)}/logo` : null,
  };
}

export async function readBranding(ctx: Ctx, by: Acting, orgId: string): Promise<BrandingView> {
  await requireManager(ctx, orgId, by.session.userId);
  return view(await getBranding(ctx, orgId));
}

/** The accent colour as stored (`#rrggbb` lower case), or the 400 naming what is wrong. */
export function checkAccentColor(value: string): string {
  const color = parseHexColor(value);
  if (!color)
    throw new AppError('invalid_request', {
      key: 'errors:messages.branding.hexColour',
      details: { field: 'accentColor' },
    });
  const ratio = accentContrast(color);
  if (ratio < BRANDING.minContrast)
    throw new AppError('accent_contrast_too_low', {
      key: 'errors:messages.branding.contrast',
      values: { ratio, minimum: BRANDING.minContrast },
      details: { field: 'accentColor', ratio, minimum: BRANDING.minContrast },
    });
  return color;
}

/** `""` (or null) clears a field (back to the org's name, the product's colour); an absent field stays. */
export async function changeBranding(
  ctx: Ctx,
  by: Acting,
  input: {
    readonly orgId: string;
    readonly patch: { readonly displayName?: string | null; readonly accentColor?: string | null };
  },
): Promise<BrandingView> {
  const { session, meta } = by;
  const { orgId, patch } = input;
  requireRecentReauthentication(ctx, session);
  await requireManager(ctx, orgId, session.userId);
  const before = await getBranding(ctx, orgId);
  const displayName =
    patch.displayName === undefined ? before.displayName : patch.displayName?.trim() ? patch.displayName.trim() : null;
  const accentColor =
    patch.accentColor === undefined
      ? before.accentColor
      : patch.accentColor === null || patch.accentColor.trim() === ''
        ? null
        : checkAccentColor(patch.accentColor);
  await setBrandingText(ctx, orgId, { displayName, accentColor });
  const details: Record<string, string> = {};
  if (displayName !== before.displayName)
    details.displayName = `${JSON.stringify(before.displayName)} → ${JSON.stringify(displayName)}`;
  if (accentColor !== before.accentColor)
    details.accentColor = `${JSON.stringify(before.accentColor)} → ${JSON.stringify(accentColor)}`;
  if (Object.keys(details).length > 0)
    await audit(ctx, meta, { event: 'branding.changed', actorUserId: session.userId, orgId, details });
  return view(await getBranding(ctx, orgId));
}

/**
 * A new logo: PNG or JPEG by its magic bytes, and the Content-Type claimed must say the same (SVG, or a PNG
 * header on something else, is refused); at most the size limit.
 */
export async function uploadLogo(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly bytes: Uint8Array; readonly declaredType: string },
): Promise<BrandingView> {
  const { session, meta } = by;
  const { orgId, bytes } = input;
  requireRecentReauthentication(ctx, session);
  await requireManager(ctx, orgId, session.userId);
  if (bytes.length > BRANDING.logoMaxBytes)
    throw new AppError('payload_too_large', {
      key: 'errors:messages.branding.logoTooLarge',
      values: { kb: BRANDING.logoMaxBytes / 1024 },
      details: { maxBytes: BRANDING.logoMaxBytes },
    });
  const type = sniffLogo(bytes);
  if (!type || type !== input.declaredType) throw new AppError('logo_type_not_allowed');
  const hash = await setLogo(ctx, orgId, type, bytes);
  await audit(ctx, meta, {
    event: 'branding.changed',
    actorUserId: session.userId,
    orgId,
    details: { logo: `${type}, ${bytes.length} bytes, sha256 ${hash.slice(0, 16)}` },
  });
  return view(await getBranding(ctx, orgId));
}

export async function removeLogo(ctx: Ctx, by: Acting, orgId: string): Promise<BrandingView> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  await requireManager(ctx, orgId, session.userId);
  const before = await getBranding(ctx, orgId);
  if (before.logoHash) {
    await removeStoredLogo(ctx, orgId);
    await audit(ctx, meta, {
      event: 'branding.changed',
      actorUserId: session.userId,
      orgId,
      details: { logo: 'removed' },
    });
  }
  return view(await getBranding(ctx, orgId));
}
