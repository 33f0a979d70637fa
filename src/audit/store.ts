/**
 * The append-only audit log. Only `record` writes; nothing updates or deletes rows. `details` holds
 * non-secret context (reason codes, roles, method names) — never a password, code, secret or token.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { preparedWrite } from '../db/prepared.ts';
import { randomId } from '../crypto/index.ts';
import type { AuditEvent } from './events.ts';

export interface RequestMeta {
  readonly ip: string;
  readonly userAgent: string;
}

export interface AuditEntry {
  readonly event: AuditEvent;
  readonly actorUserId?: string | null;
  readonly targetUserId?: string | null;
  readonly orgId?: string | null;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuditRow {
  id: string;
  at: string;
  event: string;
  actorUserId: string | null;
  actorEmail: string | null;
  targetUserId: string | null;
  targetEmail: string | null;
  orgId: string | null;
  ip: string;
  userAgent: string;
  details: Record<string, unknown>;
}

/** Written by every security event, so compiled once (src/db/prepared.ts). */
const insertAudit = preparedWrite(
  (
    db: Kysely<Database>,
    id: string,
    at: string,
    event: string,
    actorUserId: string | null,
    targetUserId: string | null,
    orgId: string | null,
    ip: string,
    userAgent: string,
    details: string,
  ) =>
    db.insertInto('audit_events').values({
      id,
      at,
      event,
      actor_user_id: actorUserId,
      target_user_id: targetUserId,
      org_id: orgId,
      ip,
      user_agent: userAgent,
      details,
    }),
);

export async function recordAudit(db: Db, now: Date, meta: RequestMeta | null, entry: AuditEntry): Promise<void> {
  await insertAudit(
    db.kysely,
    randomId(),
    now.toISOString(),
    entry.event,
    entry.actorUserId ?? null,
    entry.targetUserId ?? null,
    entry.orgId ?? null,
    meta?.ip ?? '',
    (meta?.userAgent ?? '').slice(0, 512),
    JSON.stringify(entry.details ?? {}),
  );
}

export interface AuditQuery {
  readonly orgId?: string;
  /** Events where this user is actor or target. */
  readonly userId?: string;
  readonly event?: string;
  /** Paging: events strictly older than this cursor (`at|id`). */
  readonly before?: string;
  readonly limit: number;
}

export async function queryAudit(db: Db, query: AuditQuery): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
  let q = db.kysely
    .selectFrom('audit_events as a')
    .leftJoin('users as actor', 'actor.id', 'a.actor_user_id')
    .leftJoin('users as target', 'target.id', 'a.target_user_id')
    .select([
      'a.id',
      'a.at',
      'a.event',
      'a.actor_user_id',
      'a.target_user_id',
      'a.org_id',
      'a.ip',
      'a.user_agent',
      'a.details',
      'actor.email as actor_email',
      'target.email as target_email',
    ]);
  if (query.orgId) {
    const orgId = query.orgId;
    // An org's log: events tagged with the org, plus its members' account-level events (sign-ins, factors…)
    // from the time they joined it — never a member's history from before, nor events of other orgs.
    q = q.where((eb) =>
      eb.or([
        eb('a.org_id', '=', orgId),
        eb.and([
          eb('a.org_id', 'is', null),
          eb.exists(
            eb
              .selectFrom('memberships as m')
              .select('m.user_id')
              .where('m.org_id', '=', orgId)
              .whereRef('m.user_id', '=', 'a.target_user_id')
              .whereRef('m.created_at', '<=', 'a.at'),
          ),
        ]),
      ]),
    );
  }
  if (query.userId) {
    const userId = query.userId;
    q = q.where((eb) => eb.or([eb('a.actor_user_id', '=', userId), eb('a.target_user_id', '=', userId)]));
  }
  if (query.event) q = q.where('a.event', '=', query.event);
  if (query.before) {
    const [at, id] = query.before.split('|');
    if (at && id) q = q.where((eb) => eb.or([eb('a.at', '<', at), eb.and([eb('a.at', '=', at), eb('a.id', '<', id)])]));
  }
  const rows = await q
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({
      id: r.id,
      at: r.at,
      event: r.event,
      actorUserId: r.actor_user_id,
      actorEmail: r.actor_email,
      targetUserId: r.target_user_id,
      targetEmail: r.target_email,
      orgId: r.org_id,
      ip: r.ip,
      userAgent: r.user_agent,
      details: JSON.parse(r.details) as Record<string, unknown>,
    })),
    nextCursor: rows.length > query.limit && last ? `${last.at}|${last.id}` : null,
  };
}
