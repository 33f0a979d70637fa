/**
 * Apps that sign their users in through twofold (OpenID Connect clients), registered by an org's owners and
 * admins. A confidential app gets a 256-bit secret, shown once and stored only as a keyed hash; a public
 * app (single-page, mobile) has none and must use PKCE (RFC 7636; RFC 9700 §2.1.1).
 * Only members of the registering org can sign in to an app. This file is the only writer of
 * `oidc_clients`; registering, changing and deleting apps are flows (src/flows/oidc-apps.ts).
 */
import type { AdapterPayload } from 'oidc-provider';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/connect.ts';
import { randomToken } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { MessageKey, MessageValues } from '../i18n/index.ts';
import { OIDC_CLIENT_CACHE } from '../config/defaults.ts';
import { isBlockedAddress } from '../webhooks/targets.ts';

export type ClientKind = 'confidential' | 'public';
/** How a confidential app sends its secret to the token endpoint (RFC 6749 §2.3.1). */
export type SecretMethod = 'client_secret_basic' | 'client_secret_post';
export const SECRET_METHODS: readonly SecretMethod[] = ['client_secret_basic', 'client_secret_post'];

/** 256 bits (RFC 6749 §10.10: credentials must be infeasible to guess; ASVS 4.0.3 2.9.x). */
const SECRET_BYTES = 32;
const SECRET_PREFIX = 'tfcs_';
export const CLIENT_LIMITS = Object.freeze({ redirectUris: 10, uriChars: 2000, clientsPerOrg: 100 });
/**
 * After a rotation the previous secret keeps working for this long by default (so the app's configuration
 * can be updated without an outage), at most a week; 0 ends it at once (a leaked secret).
 */
export const SECRET_OVERLAP = Object.freeze({ defaultHours: 24, maxHours: 7 * 24 });

export interface ClientView {
  readonly clientId: string;
  readonly orgId: string;
  readonly name: string;
  readonly kind: ClientKind;
  /** client_secret_basic or client_secret_post; 'none' for a public app. */
  readonly tokenAuthMethod: SecretMethod | 'none';
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris: string[];
  /** Where the app receives logout tokens (OpenID Connect Back-Channel Logout 1.0), or null. */
  readonly backchannelLogoutUri: string | null;
  readonly createdAt: string;
  readonly secretRotatedAt: string | null;
  /** Until when the secret before the last rotation still works (null: it does not). */
  readonly previousSecretExpiresAt: string | null;
}

export interface ClientInput {
  readonly name: string;
  readonly kind: ClientKind;
  readonly tokenAuthMethod?: SecretMethod;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  /** Absent: unchanged (new app: none); empty: none. */
  readonly backchannelLogoutUri?: string | null;
}

interface ClientRow {
  id: string;
  org_id: string;
  name: string;
  kind: string;
  secret_hash: string | null;
  token_auth_method: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  created_at: string;
  secret_rotated_at: string | null;
  previous_secret_expires_at: string | null;
}

function view(row: ClientRow): ClientView {
  return {
    clientId: row.id,
    orgId: row.org_id,
    name: row.name,
    kind: row.kind as ClientKind,
    tokenAuthMethod: row.token_auth_method as SecretMethod | 'none',
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    backchannelLogoutUri: row.backchannel_logout_uri,
    createdAt: row.created_at,
    secretRotatedAt: row.secret_rotated_at,
    previousSecretExpiresAt: row.previous_secret_expires_at,
  };
}

/** The keyed hash stored for a client secret (compared against every key of the keyring, so rotation keeps it). */
export function secretHashes(ctx: Pick<Ctx, 'keyring'>, secret: string): string[] {
  return ctx.keyring.keyedHashes('oidc-client-secret', secret);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * Exact redirect URIs (RFC 9700 §4.1.3: exact string matching): https, http only to a loopback host
 * (RFC 8252 §7.3), or a private-use scheme for a public native app (RFC 8252 §7.1). No fragments
 * (RFC 6749 §3.1.2).
 */
export function checkRedirectUri(value: string, kind: ClientKind, field: string): string {
  const fail = (key: MessageKey, values: MessageValues = {}): never => {
    throw new AppError('invalid_request', { key, values: { field, ...values }, details: { field } });
  };
  if (value.length === 0 || value.length > CLIENT_LIMITS.uriChars)
    fail('errors:messages.apps.uriLength', { max: CLIENT_LIMITS.uriChars });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('errors:messages.apps.uriNotAbsolute', { value: value.slice(0, 100) });
  }
  if (url.hash || value.includes('#')) fail('errors:messages.apps.uriFragment');
  if (url.username || url.password) fail('errors:messages.apps.uriCredentials');
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:') {
    if (!isLoopback(url.hostname)) fail('errors:messages.apps.uriHttpLocalhost');
    return value;
  }
  if (kind === 'public' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return value;
  return fail('errors:messages.apps.uriScheme');
}

/**
 * A back-channel logout URI is called by twofold's server, not a browser: an address like a redirect URI
 * (https; http only to localhost; no fragment, RFC 8252 §7.3 / OpenID Connect Back-Channel Logout 1.0 §2.2),
 * and — unless WEBHOOK_ALLOW_PRIVATE_TARGETS — not a loopback, private or reserved address (the SSRF rule of
 * webhooks, src/webhooks/targets.ts, which delivery applies again to every resolved address).
 */
export function checkBackchannelLogoutUri(value: string, allowPrivate: boolean): string {
  const field = 'backchannelLogoutUri';
  checkRedirectUri(value, 'confidential', field);
  const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
  const local =
    host === 'localhost' || host.endsWith('.localhost') || (/^[\d.:a-f]+$/i.test(host) && isBlockedAddress(host));
  if (local && !allowPrivate)
    throw new AppError('invalid_request', {
      key: 'errors:messages.apps.backchannelPrivate',
      values: { field },
      details: { field },
    });
  return value;
}

function checkInput(
  input: ClientInput,
  allowPrivate: boolean,
): { name: string; redirectUris: string[]; postLogoutRedirectUris: string[]; backchannelLogoutUri?: string | null } {
  const name = input.name.trim();
  if (!name)
    throw new AppError('invalid_request', { key: 'errors:messages.apps.nameMissing', details: { field: 'name' } });
  const redirectUris = [...new Set(input.redirectUris.map((u) => u.trim()).filter(Boolean))];
  const postLogoutRedirectUris = [
    ...new Set((input.postLogoutRedirectUris ?? []).map((u) => u.trim()).filter(Boolean)),
  ];
  if (redirectUris.length === 0)
    throw new AppError('invalid_request', {
      key: 'errors:messages.apps.redirectUriMissing',
      details: { field: 'redirectUris' },
    });
  if (redirectUris.length > CLIENT_LIMITS.redirectUris || postLogoutRedirectUris.length > CLIENT_LIMITS.redirectUris) {
    throw new AppError('invalid_request', {
      key: 'errors:messages.apps.tooManyUris',
      values: { max: CLIENT_LIMITS.redirectUris },
      details: { field: 'redirectUris' },
    });
  }
  redirectUris.forEach((u) => checkRedirectUri(u, input.kind, 'redirectUris'));
  postLogoutRedirectUris.forEach((u) => checkRedirectUri(u, input.kind, 'postLogoutRedirectUris'));
  const backchannel = input.backchannelLogoutUri?.trim();
  const backchannelLogoutUri =
    input.backchannelLogoutUri === undefined
      ? undefined
      : backchannel
        ? checkBackchannelLogoutUri(backchannel, allowPrivate)
        : null;
  return { name, redirectUris, postLogoutRedirectUris, backchannelLogoutUri };
}

function newSecret(): string {
  return `${SECRET_PREFIX}${randomToken(SECRET_BYTES)}`;
}

export async function createClient(
  ctx: Ctx,
  orgId: string,
  actorUserId: string,
  input: ClientInput,
): Promise<{ client: ClientView; clientSecret: string | null }> {
  const checked = checkInput(input, ctx.config.webhookAllowPrivateTargets);
  const count = await ctx.db.kysely
    .selectFrom('oidc_clients')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= CLIENT_LIMITS.clientsPerOrg)
    throw new AppError('conflict', {
      key: 'errors:messages.apps.tooManyApps',
      values: { max: CLIENT_LIMITS.clientsPerOrg },
    });
  const now = ctx.clock().toISOString();
  const secret = input.kind === 'confidential' ? newSecret() : null;
  const row = {
    id: `tfc_${randomToken(16)}`,
    org_id: orgId,
    name: checked.name.slice(0, 100),
    kind: input.kind,
    secret_hash: secret ? secretHashes(ctx, secret)[0]! : null,
    token_auth_method: input.kind === 'confidential' ? (input.tokenAuthMethod ?? 'client_secret_basic') : 'none',
    redirect_uris: JSON.stringify(checked.redirectUris),
    post_logout_redirect_uris: JSON.stringify(checked.postLogoutRedirectUris),
    backchannel_logout_uri: checked.backchannelLogoutUri ?? null,
    created_by: actorUserId,
    created_at: now,
    updated_at: now,
    secret_rotated_at: null,
    previous_secret_hash: null,
    previous_secret_expires_at: null,
  };
  await ctx.db.kysely.insertInto('oidc_clients').values(row).execute();
  return { client: view(row), clientSecret: secret };
}

export async function listClients(ctx: Ctx, orgId: string): Promise<ClientView[]> {
  const rows = await ctx.db.kysely
    .selectFrom('oidc_clients')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .execute();
  return rows.map(view);
}

export async function getClient(ctx: Ctx, orgId: string, clientId: string): Promise<ClientView> {
  const row = await ctx.db.kysely
    .selectFrom('oidc_clients')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', clientId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found');
  return view(row);
}

/** Any app by id, for the sign-in pages (its name and org). */
export async function findClient(db: Db, clientId: string): Promise<ClientView | null> {
  const row = await clientRow(db, clientId);
  return row ? view(row) : null;
}

/** Rows read lately, per process (OIDC_CLIENT_CACHE): the provider reads an app several times per sign-in. */
const recentRows = new Map<string, { readonly row: ClientRow | null; readonly until: number }>();

async function clientRow(db: Db, clientId: string): Promise<ClientRow | null> {
  if (clientId.length > 64) return null;
  const key = `${db.pgSchema ?? ''}:${clientId}`;
  const now = performance.now();
  const cached = recentRows.get(key);
  if (cached && cached.until > now) return cached.row;
  const row =
    (await db.kysely.selectFrom('oidc_clients').selectAll().where('id', '=', clientId).executeTakeFirst()) ?? null;
  // Only apps that exist are kept: a made-up client id costs a query every time, and fills nothing.
  if (row) {
    if (recentRows.size >= OIDC_CLIENT_CACHE.maxEntries) recentRows.clear();
    recentRows.set(key, { row, until: now + OIDC_CLIENT_CACHE.ttlMs });
  }
  return row;
}

/** After a change to an app on this instance: the next read goes to the database. */
function forgetClient(db: Db, clientId: string): void {
  recentRows.delete(`${db.pgSchema ?? ''}:${clientId}`);
}

export async function updateClient(
  ctx: Ctx,
  orgId: string,
  clientId: string,
  input: Omit<ClientInput, 'kind'>,
): Promise<ClientView> {
  const current = await getClient(ctx, orgId, clientId);
  const checked = checkInput({ ...input, kind: current.kind }, ctx.config.webhookAllowPrivateTargets);
  await ctx.db.kysely
    .updateTable('oidc_clients')
    .set({
      name: checked.name.slice(0, 100),
      redirect_uris: JSON.stringify(checked.redirectUris),
      post_logout_redirect_uris: JSON.stringify(checked.postLogoutRedirectUris),
      ...(checked.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: checked.backchannelLogoutUri } : {}),
      updated_at: ctx.clock().toISOString(),
    })
    .where('id', '=', clientId)
    .where('org_id', '=', orgId)
    .execute();
  forgetClient(ctx.db, clientId);
  return getClient(ctx, orgId, clientId);
}

/**
 * A new secret, returned once. The previous one keeps working for `keepOldHours` (0: stops at once); a
 * secret older than that is gone for good.
 */
export async function rotateClientSecret(
  ctx: Ctx,
  orgId: string,
  clientId: string,
  keepOldHours: number = SECRET_OVERLAP.defaultHours,
): Promise<{ client: ClientView; clientSecret: string }> {
  const current = await getClient(ctx, orgId, clientId);
  if (current.kind !== 'confidential') throw new AppError('conflict', { key: 'errors:messages.apps.publicNoSecret' });
  if (!Number.isInteger(keepOldHours) || keepOldHours < 0 || keepOldHours > SECRET_OVERLAP.maxHours) {
    throw new AppError('invalid_request', {
      key: 'errors:messages.apps.secretOverlap',
      values: { max: SECRET_OVERLAP.maxHours },
      details: { field: 'keepOldSecretHours' },
    });
  }
  const row = await ctx.db.kysely
    .selectFrom('oidc_clients')
    .select('secret_hash')
    .where('id', '=', clientId)
    .executeTakeFirstOrThrow();
  const secret = newSecret();
  const now = ctx.clock();
  await ctx.db.kysely
    .updateTable('oidc_clients')
    .set({
      secret_hash: secretHashes(ctx, secret)[0]!,
      secret_rotated_at: now.toISOString(),
      previous_secret_hash: keepOldHours > 0 ? row.secret_hash : null,
      previous_secret_expires_at:
        keepOldHours > 0 ? new Date(now.getTime() + keepOldHours * 3_600_000).toISOString() : null,
    })
    .where('id', '=', clientId)
    .where('org_id', '=', orgId)
    .execute();
  forgetClient(ctx.db, clientId);
  return { client: await getClient(ctx, orgId, clientId), clientSecret: secret };
}

/** Deletes the app and everything issued to it (grants, codes, tokens); returns what it was. */
export async function deleteClient(ctx: Ctx, orgId: string, clientId: string): Promise<ClientView> {
  const current = await getClient(ctx, orgId, clientId);
  await ctx.db.kysely.deleteFrom('oidc_clients').where('id', '=', clientId).where('org_id', '=', orgId).execute();
  forgetClient(ctx.db, clientId);
  await ctx.db.kysely.deleteFrom('oidc_payloads').where('client_id', '=', clientId).execute();
  return current;
}

/**
 * The metadata oidc-provider sees for a client. `client_secret` carries the stored keyed hash: the provider
 * is given a comparison that hashes the presented secret first (see provider.ts).
 */
export async function findClientMetadata(db: Db, clientId: string): Promise<AdapterPayload | undefined> {
  const row = await clientRow(db, clientId);
  if (!row) return undefined;
  const client = view(row);
  const native = client.redirectUris.some((u) => !/^https?:/.test(u));
  return {
    client_id: client.clientId,
    client_name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    application_type: native ? 'native' : 'web',
    id_token_signed_response_alg: 'RS256',
    token_endpoint_auth_method: client.tokenAuthMethod,
    // The ID token carries `sid`, which the logout token repeats (Back-Channel Logout 1.0 §2.1, §2.4).
    ...(client.backchannelLogoutUri
      ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
    ...(client.kind === 'confidential' && row.secret_hash ? { client_secret: row.secret_hash } : {}),
  };
}

/** The secret before the last rotation, while it still works (its keyed hash), else null. */
export async function previousSecretHash(ctx: Ctx, clientId: string): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom('oidc_clients')
    .select(['previous_secret_hash', 'previous_secret_expires_at'])
    .where('id', '=', clientId)
    .executeTakeFirst();
  if (!row?.previous_secret_hash || !row.previous_secret_expires_at) return null;
  return row.previous_secret_expires_at > ctx.clock().toISOString() ? row.previous_secret_hash : null;
}
