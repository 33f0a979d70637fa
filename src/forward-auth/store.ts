/** The forward-auth tables' only writer: protected hosts, one-time codes, host-bound tokens (stored hashed). */
import type { Ctx } from '../context.ts';
import type { Role } from '../db/schema.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { AppError } from '../errors.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { FORWARD_AUTH } from '../config/defaults.ts';

export interface ProtectedHost {
  readonly id: string;
  readonly orgId: string;
  readonly host: string;
  readonly requireTwoFactor: boolean;
  /** Org roles let in; empty: every member. */
  readonly roles: readonly Role[];
  readonly createdAt: string;
}

type HostRow = {
  id: string;
  org_id: string;
  host: string;
  require_two_factor: number;
  roles: string;
  created_at: string;
};

function toHost(row: HostRow): ProtectedHost {
  return {
    id: row.id,
    orgId: row.org_id,
    host: row.host,
    requireTwoFactor: Number(row.require_two_factor) === 1,
    roles: JSON.parse(row.roles) as Role[],
    createdAt: row.created_at,
  };
}

const HOST_COLUMNS = ['id', 'org_id', 'host', 'require_two_factor', 'roles', 'created_at'] as const;

export async function findProtectedHost(ctx: Ctx, host: string): Promise<ProtectedHost | null> {
  const row = await ctx.db.kysely
    .selectFrom('forward_auth_hosts')
    .select(HOST_COLUMNS)
    .where('host', '=', host)
    .executeTakeFirst();
  return row ? toHost(row) : null;
}

export async function listProtectedHosts(ctx: Ctx, orgId: string): Promise<ProtectedHost[]> {
  const rows = await ctx.db.kysely
    .selectFrom('forward_auth_hosts')
    .select(HOST_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('host')
    .execute();
  return rows.map(toHost);
}

export async function countProtectedHosts(ctx: Ctx, orgId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('forward_auth_hosts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Adds a host rule; `conflict` when the host is already protected (by this or another org). */
export async function insertProtectedHost(
  ctx: Ctx,
  input: { orgId: string; host: string; requireTwoFactor: boolean; roles: readonly Role[]; createdBy: string },
): Promise<ProtectedHost> {
  const id = `fah_${randomId()}`;
  try {
    await ctx.db.kysely
      .insertInto('forward_auth_hosts')
      .values({
        id,
        org_id: input.orgId,
        host: input.host,
        require_two_factor: input.requireTwoFactor ? 1 : 0,
        roles: JSON.stringify(input.roles),
        created_by: input.createdBy,
        created_at: ctx.clock().toISOString(),
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', { key: 'errors:messages.forwardAuth.hostTaken' });
    throw error;
  }
  return (await findProtectedHost(ctx, input.host))!;
}

export async function deleteProtectedHost(ctx: Ctx, orgId: string, id: string): Promise<ProtectedHost | null> {
  const row = await ctx.db.kysely
    .selectFrom('forward_auth_hosts')
    .select(HOST_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  await ctx.db.kysely.deleteFrom('forward_auth_tokens').where('host', '=', row.host).execute();
  await ctx.db.kysely.deleteFrom('forward_auth_hosts').where('id', '=', id).execute();
  return toHost(row);
}

/** A one-time code that carries a signed-in browser to `host` (returned in clear once). */
export async function issueCode(ctx: Ctx, sessionId: string, host: string, returnPath: string): Promise<string> {
  const code = randomToken(FORWARD_AUTH.tokenBytes);
  const now = ctx.clock();
  await ctx.db.kysely
    .insertInto('forward_auth_codes')
    .values({
      id: randomId(),
      code_hash: sha256Hex(code),
      session_id: sessionId,
      host,
      return_path: returnPath,
      expires_at: addSeconds(now, FORWARD_AUTH.codeSeconds).toISOString(),
      used_at: null,
    })
    .execute();
  return code;
}

/** Spends a code for `host` by compare-and-swap: at most one redemption ever succeeds. */
export async function consumeCode(
  ctx: Ctx,
  code: string,
  host: string,
): Promise<{ sessionId: string; returnPath: string } | null> {
  const nowIso = ctx.clock().toISOString();
  const row = await ctx.db.kysely
    .selectFrom('forward_auth_codes')
    .select(['id', 'session_id', 'host', 'return_path', 'expires_at', 'used_at'])
    .where('code_hash', '=', sha256Hex(code))
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= nowIso || row.host !== host) return null;
  const spent = await ctx.db.kysely
    .updateTable('forward_auth_codes')
    .set({ used_at: nowIso })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1 ? { sessionId: row.session_id, returnPath: row.return_path } : null;
}

/** A host-bound token for the proxy's checks, living as long as its session may. */
export async function issueToken(ctx: Ctx, sessionId: string, host: string, expiresAt: string): Promise<string> {
  const token = randomToken(FORWARD_AUTH.tokenBytes);
  await ctx.db.kysely
    .insertInto('forward_auth_tokens')
    .values({
      id: randomId(),
      token_hash: sha256Hex(token),
      session_id: sessionId,
      host,
      created_at: ctx.clock().toISOString(),
      expires_at: expiresAt,
    })
    .execute();
  return token;
}

export async function findToken(
  ctx: Ctx,
  token: string,
): Promise<{ sessionId: string; host: string; expiresAt: string } | null> {
  const row = await ctx.db.kysely
    .selectFrom('forward_auth_tokens')
    .select(['session_id', 'host', 'expires_at'])
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  return row ? { sessionId: row.session_id, host: row.host, expiresAt: row.expires_at } : null;
}

/** Housekeeping: spent or expired codes and expired tokens. */
export async function pruneForwardAuth(ctx: Ctx, before: string): Promise<number> {
  const codes = await ctx.db.kysely
    .deleteFrom('forward_auth_codes')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  const tokens = await ctx.db.kysely
    .deleteFrom('forward_auth_tokens')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  return Number(codes.numDeletedRows) + Number(tokens.numDeletedRows);
}
