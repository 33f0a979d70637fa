/** The org_branding table's only writer, and its read model (what hosted pages show for an org). */
import type { Ctx } from '../context.ts';
import { sha256Hex } from '../crypto/index.ts';
import type { LogoType } from '../core/branding.ts';
import { membershipsOf } from '../orgs/service.ts';

export interface Branding {
  readonly orgId: string;
  /** The name pages and emails show; null: the org's own name. */
  readonly displayName: string | null;
  /** `#rrggbb`; null: the product's colour. */
  readonly accentColor: string | null;
  /** The logo's content hash (its ETag), null when there is none. */
  readonly logoHash: string | null;
}

/** What a page shows in its header and styles: the org's name, its logo address, its accent colour. */
export interface PageBrand {
  readonly orgId: string;
  readonly name: string;
  readonly logoUrl: string | null;
  readonly accentColor: string | null;
}

export interface Logo {
  readonly type: LogoType;
  readonly bytes: Buffer;
  readonly hash: string;
}

export async function getBranding(ctx: Ctx, orgId: string): Promise<Branding> {
  const row = await ctx.db.kysely
    .selectFrom('org_branding')
    .select(['display_name', 'accent_color', 'logo_hash'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return {
    orgId,
    displayName: row?.display_name ?? null,
    accentColor: row?.accent_color ?? null,
    logoHash: row?.logo_hash ?? null,
  };
}

async function upsert(
  ctx: Ctx,
  orgId: string,
  values: Partial<{
    display_name: string | null;
    accent_color: string | null;
    logo_base64: string | null;
    logo_type: string | null;
    logo_hash: string | null;
  }>,
): Promise<void> {
  const updatedAt = ctx.clock().toISOString();
  await ctx.db.kysely
    .insertInto('org_branding')
    .values({ org_id: orgId, ...values, updated_at: updatedAt })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: updatedAt }))
    .execute();
}

export async function setBrandingText(
  ctx: Ctx,
  orgId: string,
  values: { readonly displayName: string | null; readonly accentColor: string | null },
): Promise<void> {
  await upsert(ctx, orgId, { display_name: values.displayName, accent_color: values.accentColor });
}

/** Stores a logo already checked (src/core/branding.ts sniffLogo); returns its hash. */
export async function setLogo(ctx: Ctx, orgId: string, type: LogoType, bytes: Uint8Array): Promise<string> {
  const base64 = Buffer.from(bytes).toString('base64');
  const hash = sha256Hex(base64);
  await upsert(ctx, orgId, { logo_base64: base64, logo_type: type, logo_hash: hash });
  return hash;
}

export async function removeLogo(ctx: Ctx, orgId: string): Promise<void> {
  await upsert(ctx, orgId, { logo_base64: null, logo_type: null, logo_hash: null });
}

export async function getLogo(ctx: Ctx, orgId: string): Promise<Logo | null> {
  const row = await ctx.db.kysely
    .selectFrom('org_branding')
    .select(['logo_base64', 'logo_type', 'logo_hash'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row?.logo_base64 || !row.logo_type || !row.logo_hash) return null;
  return { type: row.logo_type as LogoType, bytes: Buffer.from(row.logo_base64, 'base64'), hash: row.logo_hash };
}

/**
 * The branding a page shows for an org, or null when the org set none (or does not exist): then the page keeps
 * the product's own look. An unknown org and an unbranded one look the same, so `?org=` on the public sign-in
 * page tells nothing about which orgs exist.
 */
export async function pageBrand(ctx: Ctx, orgId: string): Promise<PageBrand | null> {
  const row = await ctx.db.kysely
    .selectFrom('orgs as o')
    .innerJoin('org_branding as b', 'b.org_id', 'o.id')
    .select(['o.id', 'o.name', 'b.display_name', 'b.accent_color', 'b.logo_hash'])
    .where('o.id', '=', orgId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    orgId: row.id,
    name: row.display_name ?? row.name,
    logoUrl: row.logo_hash ? `/branding/${encodeURIComponent(row.id)}/logo?v=${row.logo_hash.slice(0, 16)}` : null,
    accentColor: row.accent_color ?? null,
  };
}

/**
 * The name security emails to a person go out under: `Org display name · product` when they belong to exactly
 * one org and it set branding, else the product's name (someone in several orgs gets the neutral one).
 */
export async function mailSenderName(ctx: Ctx, userId: string): Promise<string> {
  const memberships = await membershipsOf(ctx, userId);
  const brand = memberships.length === 1 ? await pageBrand(ctx, memberships[0]!.org.id) : null;
  return brand ? `${brand.name} · ${ctx.config.productName}` : ctx.config.productName;
}
