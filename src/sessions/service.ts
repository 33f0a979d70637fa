/**
 * Sessions: an opaque 256-bit token in a cookie; only its SHA-256 is stored (ASVS 4.0.3 3.2.x).
 * Idle and absolute timeouts are enforced here, server-side. A new token is issued on every sign-in and
 * on every change of assurance (`rotate`), which kills the old one.
 */
import { SESSION } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import type { Ctx } from '../context.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared, preparedWrite } from '../db/prepared.ts';
import { jsonRows, parsedRows } from '../db/json-rows.ts';
import { requirementFromRows, requirementRowsQuery } from '../orgs/enforcement.ts';
import { recentRecoveriesQuery, recoveryNoticeSince, type RecentRecovery } from '../recovery/guard.ts';
import type { RequestMeta } from '../audit/store.ts';

export type SessionKind = 'full' | 'enrollment';

export interface SessionView {
  readonly id: string;
  readonly userId: string;
  readonly kind: SessionKind;
  readonly amr: readonly string[];
  readonly remember: boolean;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly absoluteExpiresAt: string;
  readonly idleExpiresAt: string;
  readonly reauthenticatedAt: string | null;
  /** A second factor confirmed inside the session (an app's step-up request). */
  readonly steppedUpAt: string | null;
  readonly ip: string;
  readonly userAgent: string;
}

export interface CurrentSession extends SessionView {
  readonly user: {
    id: string;
    email: string;
    name: string;
    twoFactorEnabled: boolean;
    /** Saved language and time zone (src/i18n), or null. */
    locale: string | null;
    timeZone: string | null;
  };
  /** An org requires 2FA of this user and the deadline has passed: only enrolment routes open. */
  enrollmentRequired: boolean;
  /**
   * The org requirement and the memberships, read with the session (src/http/request.ts decides with it
   * whether enrolment is overdue), so that what the request answers about them needs no second read.
   */
  requirement?: {
    readonly deadline: Date | null;
    readonly orgNames: readonly string[];
    readonly memberships: ReadonlyArray<{
      readonly org: { readonly id: string; readonly name: string; readonly createdAt: string };
      readonly role: 'owner' | 'admin' | 'staff' | 'client';
      readonly requireTwoFactor: string;
    }>;
  };
  /** Pending and lately completed recoveries, read with the session (recoveryNotice tells them). */
  readonly recentRecoveries?: readonly RecentRecovery[];
  /** Set when the request authenticated with an API key instead of a session cookie. */
  readonly apiKey?: { readonly id: string; readonly orgId: string | null; readonly scope: 'read' | 'write' };
}

interface SessionRow {
  id: string;
  user_id: string;
  kind: string;
  amr: string;
  remember: number;
  created_at: string;
  last_seen_at: string;
  absolute_expires_at: string;
  idle_expires_at: string;
  reauthenticated_at: string | null;
  stepped_up_at: string | null;
  ip: string;
  user_agent: string;
}

function view(row: SessionRow): SessionView {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind as SessionKind,
    amr: JSON.parse(row.amr) as string[],
    remember: Number(row.remember) === 1,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    absoluteExpiresAt: row.absolute_expires_at,
    idleExpiresAt: row.idle_expires_at,
    reauthenticatedAt: row.reauthenticated_at,
    steppedUpAt: row.stepped_up_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

function idleSeconds(remember: boolean): number {
  return remember ? SESSION.rememberIdleSeconds : SESSION.idleSeconds;
}

export interface NewSession {
  readonly userId: string;
  readonly amr: readonly string[];
  readonly remember: boolean;
  readonly kind?: SessionKind;
  /** False when the sign-in skipped a factor the user has (trusted device): the sudo window stays shut. */
  readonly freshProof?: boolean;
}

/** Every sign-in writes one: compiled once (src/db/prepared.ts). A new session was last seen when it began. */
const insertSession = preparedWrite(
  (
    db: Kysely<Database>,
    id: string,
    tokenHash: string,
    userId: string,
    kind: SessionKind,
    amr: string,
    remember: number,
    createdAt: string,
    idleExpiresAt: string,
    absoluteExpiresAt: string,
    reauthenticatedAt: string | null,
    ip: string,
    userAgent: string,
  ) =>
    db.insertInto('sessions').values({
      id,
      token_hash: tokenHash,
      user_id: userId,
      kind,
      amr,
      remember,
      created_at: createdAt,
      last_seen_at: createdAt,
      idle_expires_at: idleExpiresAt,
      absolute_expires_at: absoluteExpiresAt,
      reauthenticated_at: reauthenticatedAt,
      stepped_up_at: null,
      revoked_at: null,
      ip,
      user_agent: userAgent,
    }),
);

export async function createSession(
  ctx: Ctx,
  input: NewSession,
  meta: RequestMeta,
): Promise<{ token: string; session: SessionView }> {
  const now = ctx.clock();
  const token = randomToken(SESSION.tokenBytes);
  const absolute = input.remember ? SESSION.rememberAbsoluteSeconds : SESSION.absoluteSeconds;
  const row = {
    id: randomId(),
    token_hash: sha256Hex(token),
    user_id: input.userId,
    kind: input.kind ?? 'full',
    amr: JSON.stringify(input.amr),
    remember: input.remember ? 1 : 0,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    idle_expires_at: addSeconds(now, idleSeconds(input.remember)).toISOString(),
    absolute_expires_at: addSeconds(now, absolute).toISOString(),
    // Signing in is itself a fresh proof of the password: the sudo window opens with it.
    reauthenticated_at: input.freshProof === false ? null : now.toISOString(),
    stepped_up_at: null,
    revoked_at: null,
    ip: meta.ip,
    user_agent: meta.userAgent.slice(0, 512),
  } as const;
  await insertSession(
    ctx.db.kysely,
    row.id,
    row.token_hash,
    row.user_id,
    row.kind,
    row.amr,
    row.remember,
    row.created_at,
    row.idle_expires_at,
    row.absolute_expires_at,
    row.reauthenticated_at,
    row.ip,
    row.user_agent,
  );
  return { token, session: view(row) };
}

/** Resolves a cookie token to a live session (not revoked, within idle and absolute limits). */
export async function findSession(ctx: Ctx, token: string): Promise<CurrentSession | null> {
  if (token.length < 20 || token.length > 100) return null;
  return liveSession(ctx, 's.token_hash', sha256Hex(token));
}

/** The live session with this id (for a check that holds a reference to it, e.g. a forward-auth token). */
export async function findSessionById(ctx: Ctx, sessionId: string): Promise<CurrentSession | null> {
  return liveSession(ctx, 's.id', sessionId);
}

/**
 * The session with its user, the user's memberships (what the org 2FA requirement depends on) and recent
 * recoveries: every request's session check in one statement, compiled once (src/db/prepared.ts), so that on
 * PostgreSQL it is one round trip.
 */
function sessionLookup(column: 's.token_hash' | 's.id') {
  return prepared((db: Kysely<Database>, value: string, recoveriesSince: string) =>
    db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select((eb) => [
        's.id',
        's.user_id',
        's.kind',
        's.amr',
        's.remember',
        's.created_at',
        's.last_seen_at',
        's.absolute_expires_at',
        's.idle_expires_at',
        's.reauthenticated_at',
        's.stepped_up_at',
        's.ip',
        's.user_agent',
        's.revoked_at',
        'u.email',
        'u.name',
        'u.two_factor_enabled',
        'u.suspended_at',
        'u.locale',
        'u.time_zone',
        jsonRows(db, requirementRowsQuery(db, eb.ref('s.user_id'))).as('memberships'),
        jsonRows(db, recentRecoveriesQuery(db, eb.ref('s.user_id'), recoveriesSince)).as('recoveries'),
      ])
      .where(column, '=', value),
  );
}
const sessionByTokenHash = sessionLookup('s.token_hash');
const sessionById = sessionLookup('s.id');

async function liveSession(ctx: Ctx, column: 's.token_hash' | 's.id', value: string): Promise<CurrentSession | null> {
  const now = ctx.clock();
  const [row] = await (column === 's.token_hash' ? sessionByTokenHash : sessionById)(
    ctx.db.kysely,
    value,
    recoveryNoticeSince(now),
  );
  if (!row || row.revoked_at || row.suspended_at) return null;
  const nowIso = now.toISOString();
  if (row.absolute_expires_at <= nowIso || row.idle_expires_at <= nowIso) return null;
  // Touch at most once a minute, so that a session check is normally a single read.
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= SESSION.touchEverySeconds * 1000) {
    await ctx.db.kysely
      .updateTable('sessions')
      .set({
        last_seen_at: nowIso,
        idle_expires_at: addSeconds(now, idleSeconds(Number(row.remember) === 1)).toISOString(),
      })
      .where('id', '=', row.id)
      .execute();
  }
  const memberships = parsedRows(row.memberships).sort((a, b) => compareText(a.created_at, b.created_at));
  return {
    ...view(row),
    user: {
      id: row.user_id,
      email: row.email,
      name: row.name,
      twoFactorEnabled: Number(row.two_factor_enabled) === 1,
      locale: row.locale,
      timeZone: row.time_zone,
    },
    enrollmentRequired: false,
    requirement: requirementFromRows(memberships, now),
    recentRecoveries: parsedRows(row.recoveries),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Issues a new token for the session (the old one stops working) and optionally records a re-auth. */
export async function rotateSession(
  ctx: Ctx,
  sessionId: string,
  change: { reauthenticated?: boolean; steppedUp?: boolean; amr?: readonly string[]; kind?: SessionKind } = {},
): Promise<string> {
  const token = randomToken(SESSION.tokenBytes);
  const now = ctx.clock().toISOString();
  await ctx.db.kysely
    .updateTable('sessions')
    .set({
      token_hash: sha256Hex(token),
      ...(change.reauthenticated ? { reauthenticated_at: now } : {}),
      ...(change.steppedUp ? { stepped_up_at: now } : {}),
      ...(change.amr ? { amr: JSON.stringify(change.amr) } : {}),
      ...(change.kind ? { kind: change.kind } : {}),
    })
    .where('id', '=', sessionId)
    .execute();
  return token;
}

export function hasRecentReauth(ctx: Ctx, session: SessionView): boolean {
  if (!session.reauthenticatedAt) return false;
  return ctx.clock().getTime() - new Date(session.reauthenticatedAt).getTime() <= SESSION.sudoSeconds * 1000;
}

export async function listSessions(ctx: Ctx, userId: string): Promise<SessionView[]> {
  const nowIso = ctx.clock().toISOString();
  const rows = await ctx.db.kysely
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('absolute_expires_at', '>', nowIso)
    .where('idle_expires_at', '>', nowIso)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map(view);
}

/** Revokes one of the user's sessions. Returns false when there is no such live session. */
export async function revokeSession(ctx: Ctx, userId: string, sessionId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('sessions')
    .set({ revoked_at: ctx.clock().toISOString() })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  // Signing out of twofold signs out of the apps' OpenID Connect sessions too.
  await ctx.events.publish(ctx, 'sessions.ended', { userId, everything: false });
  return true;
}

/** Revokes all of a user's sessions, except `keepSessionId` when given. Returns how many. */
export async function revokeAllSessions(ctx: Ctx, userId: string, keepSessionId: string | null): Promise<number> {
  let q = ctx.db.kysely
    .updateTable('sessions')
    .set({ revoked_at: ctx.clock().toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepSessionId) q = q.where('id', '!=', keepSessionId);
  const result = await q.executeTakeFirst();
  // Everywhere means the apps too: their sessions, grants, codes and tokens (refresh tokens included).
  await ctx.events.publish(ctx, 'sessions.ended', { userId, everything: true });
  return Number(result.numUpdatedRows);
}
