/**
 * oidc-provider's storage, in the twofold database: every instance sees the same sessions, grants,
 * codes and tokens (stateless instances). One table holds every model, keyed by (model, id).
 *
 * Single use (RFC 6749 §4.1.2, §10.5): `consume` is one conditional UPDATE; of two parallel redemptions of
 * one authorization code or refresh token, only one updates the row. The other is refused as
 * invalid_grant and — since a second use means the code leaked — the grant's tokens are revoked.
 */
import type { Adapter, AdapterPayload, errors as ProviderErrors } from 'oidc-provider';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/connect.ts';
import { logoutTargets, queueLogouts } from './backchannel.ts';
import { findClientMetadata } from './clients.ts';

/** Expiry follows the provider's own clock (it checks `exp` with Date.now too). */
const now = (): number => Date.now();

function fields(payload: AdapterPayload): {
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  client_id: string | null;
} {
  return {
    grant_id: payload.grantId ?? null,
    uid: payload.uid ?? null,
    user_code: payload.userCode ?? null,
    account_id: payload.accountId ?? null,
    client_id: payload.clientId ?? null,
  };
}

function parse(
  row: { payload: string; consumed_at: number | string | null; expires_at: number | string | null } | undefined,
): AdapterPayload | undefined {
  if (!row) return undefined;
  if (row.expires_at !== null && Number(row.expires_at) <= now()) return undefined;
  const payload = JSON.parse(row.payload) as AdapterPayload;
  return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) };
}

/** Deletes every stored model issued under a grant (tokens, codes, the grant itself). */
export async function revokeGrant(db: Db, grantId: string): Promise<void> {
  await db.kysely.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  await db.kysely.deleteFrom('oidc_payloads').where('model', '=', 'Grant').where('id', '=', grantId).execute();
}

/**
 * Ends a user's OpenID Connect sessions (signing out of twofold). With `everything`, also their grants
 * and every code and token issued to apps (sign out everywhere, password change, 2FA reset). The apps with
 * a back-channel logout URI are told, through the outbox, in the same transaction (src/oidc/backchannel.ts).
 */
export async function endOidcSessions(ctx: Ctx, userId: string, options: { everything: boolean }): Promise<void> {
  await queueLogouts(ctx, await logoutTargets(ctx.db, userId, { grants: options.everything }));
  let q = ctx.db.kysely.deleteFrom('oidc_payloads').where('account_id', '=', userId);
  if (!options.everything) q = q.where('model', '=', 'Session');
  await q.execute();
}

/**
 * Ends a user's grants, codes and tokens for the apps of one org (they left it), leaving other apps alone;
 * those apps with a back-channel logout URI are told.
 */
export async function endOrgAppAccess(ctx: Ctx, userId: string, orgId: string): Promise<void> {
  await queueLogouts(ctx, await logoutTargets(ctx.db, userId, { grants: true, orgId }));
  await ctx.db.kysely
    .deleteFrom('oidc_payloads')
    .where('account_id', '=', userId)
    .where('client_id', 'in', (eb) => eb.selectFrom('oidc_clients').select('id').where('org_id', '=', orgId))
    .execute();
}

export function databaseAdapter(db: Db, errors: typeof ProviderErrors): new (name: string) => Adapter {
  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const row = {
        payload: JSON.stringify(payload),
        expires_at: expiresIn ? now() + expiresIn * 1000 : null,
        ...fields(payload),
      };
      await db.kysely
        .insertInto('oidc_payloads')
        .values({ model: this.model, id, consumed_at: null, ...row })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClientMetadata(db, id);
      const row = await db.kysely
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at', 'expires_at'])
        .where('model', '=', this.model)
        .where('id', '=', id)
        .executeTakeFirst();
      return parse(row);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const row = await db.kysely
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at', 'expires_at'])
        .where('model', '=', this.model)
        .where('user_code', '=', userCode)
        .executeTakeFirst();
      return parse(row);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const row = await db.kysely
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at', 'expires_at'])
        .where('model', '=', this.model)
        .where('uid', '=', uid)
        .executeTakeFirst();
      return parse(row);
    }

    async consume(id: string): Promise<void> {
      const result = await db.kysely
        .updateTable('oidc_payloads')
        .set({ consumed_at: now() })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) return;
      const row = await db.kysely
        .selectFrom('oidc_payloads')
        .select('grant_id')
        .where('model', '=', this.model)
        .where('id', '=', id)
        .executeTakeFirst();
      if (row?.grant_id) await revokeGrant(db, row.grant_id);
      throw new errors.InvalidGrant('grant request is invalid');
    }

    async destroy(id: string): Promise<void> {
      await db.kysely.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.kysely
        .deleteFrom('oidc_payloads')
        .where('model', '=', this.model)
        .where('grant_id', '=', grantId)
        .execute();
    }
  };
}

/** The newest unexpired grant of this user for this app: consent given once is remembered across browsers. */
export async function findGrantId(db: Db, accountId: string, clientId: string): Promise<string | undefined> {
  const row = await db.kysely
    .selectFrom('oidc_payloads')
    .select('id')
    .where('model', '=', 'Grant')
    .where('account_id', '=', accountId)
    .where('client_id', '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now())]))
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
  return row?.id;
}

/** Hourly pruning: expired payloads. */
export async function pruneOidcPayloads(db: Db): Promise<number> {
  const result = await db.kysely.deleteFrom('oidc_payloads').where('expires_at', '<=', now()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
