/**
 * Accounts: creating users, checking passwords (with the per-account throttle), changing and resetting
 * passwords. A password reset never touches second factors: the sign-in flow decides what comes after
 * the password (src/sessions/sign-in.ts), so a reset cannot skip it.
 */
import { DAY_SECONDS, PASSWORD_THROTTLE, RECOVERY, TOKENS } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../crypto/password.ts';
import { addSeconds } from '../core/clock.ts';
import { isValidEmail, normaliseEmail } from '../core/email.ts';
import { checkPassword, normalisePassword } from '../core/password-policy.ts';
import { AppError } from '../errors.ts';
import { audit, link, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { mailTemplates, type OpenRecoveryNote } from '../mail/templates.ts';
import { noteEmailPasswordReset, openRecovery } from '../recovery/guard.ts';
import { clearAttempts, reserveAttempt } from '../throttle/store.ts';
import { withSignInFailureBudget } from '../throttle/failure-budget.ts';
import { lockSeconds } from '../core/attempts.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { revokeAllTrustedDevices } from '../sessions/devices.ts';
import { isCommonPassword } from './common-passwords.ts';
import { markEmailVerified } from './verification.ts';
import { insertUserRow, setPasswordHash } from './store.ts';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly twoFactorEnabled: boolean;
  readonly createdAt: string;
  readonly lastSignInAt: string | null;
  /** When the account was suspended (null: active). */
  readonly suspendedAt: string | null;
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  two_factor_enabled: number;
  created_at: string;
  last_sign_in_at: string | null;
  suspended_at?: string | null;
};

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    twoFactorEnabled: Number(row.two_factor_enabled) === 1,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
    suspendedAt: row.suspended_at ?? null,
  };
}

export function parseEmail(input: string, field = 'email'): string {
  const email = normaliseEmail(input);
  if (!isValidEmail(email))
    throw new AppError('invalid_request', { message: 'Enter a valid email address.', details: { field } });
  return email;
}

/** Validates a new password for an account; throws password_rejected with the reason. */
export async function acceptablePassword(
  ctx: Ctx,
  password: string,
  email: string,
  userId: string | null,
): Promise<string> {
  const orgNames = userId
    ? (
        await ctx.db.kysely
          .selectFrom('memberships as m')
          .innerJoin('orgs as o', 'o.id', 'm.org_id')
          .select('o.name')
          .where('m.user_id', '=', userId)
          .execute()
      ).map((r) => r.name)
    : [];
  return acceptablePasswordFor(password, email, orgNames);
}

export function acceptablePasswordFor(password: string, email: string, orgNames: readonly string[]): string {
  const verdict = checkPassword(password, { email, orgNames }, isCommonPassword);
  if (!verdict.ok)
    throw new AppError('password_rejected', {
      message: verdict.reason,
      details: { field: 'password', reason: verdict.reason },
    });
  return verdict.normalised;
}

export async function findUserByEmail(
  ctx: Ctx,
  email: string,
): Promise<(User & { passwordHash: string | null }) | null> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst();
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

export async function getUser(ctx: Ctx, userId: string): Promise<User | null> {
  const row = await ctx.db.kysely.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Inserts a user with an already-checked, normalised password. Throws email_taken on a duplicate. */
export async function insertUser(ctx: Ctx, email: string, normalisedPassword: string, name = ''): Promise<User> {
  const now = ctx.clock().toISOString();
  const passwordHash = await hashPassword(normalisedPassword);
  const id = randomId();
  await insertUserRow(ctx, { id, email, name, passwordHash });
  return { id, email, name, twoFactorEnabled: false, createdAt: now, lastSignInAt: null, suspendedAt: null };
}

const passwordKey = (userId: string): string => `pwd:${userId}`;

/**
 * Checks email + password. Unknown email, wrong password and a throttled or locked account all end in
 * the same `invalid_credentials` after about the same work (ASVS 5.0 6.3.8). Every failed check counts
 * against the client address (429 rate_limited past RATE_LIMITS.signInFailures); a right password never does.
 */
export async function checkCredentials(
  ctx: Ctx,
  emailInput: string,
  password: string,
  meta: RequestMeta,
): Promise<User> {
  return withSignInFailureBudget(ctx, meta.ip, () => checkPasswordOf(ctx, emailInput, password, meta));
}

/**
 * The per-account throttle: an in-flight slot before the password is checked (parallel guesses never get
 * more evaluations than the limit), turned into a failure only when the password is wrong.
 */
async function checkPasswordOf(ctx: Ctx, emailInput: string, password: string, meta: RequestMeta): Promise<User> {
  const normalised = normalisePassword(password);
  const user = await findUserByEmail(ctx, emailInput);
  if (!user || !user.passwordHash) {
    await verifyAgainstDummy(normalised);
    throw new AppError('invalid_credentials');
  }
  const attempt = await reserveAttempt(ctx.db, passwordKey(user.id), PASSWORD_THROTTLE, ctx.clock);
  if (!attempt.allowed) {
    await verifyAgainstDummy(normalised);
    await audit(ctx, meta, { event: 'sign_in.failed', targetUserId: user.id, details: { reason: 'throttled' } });
    throw new AppError('invalid_credentials');
  }
  const right = await verifyPassword(user.passwordHash, normalised).catch(async (error: unknown) => {
    await attempt.failed(); // a check that could not finish still used its attempt
    throw error;
  });
  if (!right) {
    const { state, locksNow } = await attempt.failed();
    await audit(ctx, meta, {
      event: 'sign_in.failed',
      targetUserId: user.id,
      details: { reason: 'wrong_password', failures: state.failures },
    });
    if (locksNow) {
      const minutes = Math.round(lockSeconds(PASSWORD_THROTTLE, state.locks - 1) / 60);
      await audit(ctx, meta, {
        event: 'sign_in.locked',
        targetUserId: user.id,
        details: { step: 'password', minutes },
      });
      await ctx.mail.send(
        mailTemplates.passwordLocked(user.email, { productName: ctx.config.productName, minutes }),
        ctx.clock(),
      );
    }
    throw new AppError('invalid_credentials');
  }
  await attempt.succeeded();
  // An imported (bcrypt, scrypt, PBKDF2…) or older hash becomes argon2id at today's parameters.
  if (needsRehash(user.passwordHash)) await setPassword(ctx, user.id, normalised);
  return user;
}

export async function changePassword(
  ctx: Ctx,
  user: { readonly id: string; readonly email: string },
  currentPassword: string,
  newPassword: string,
  keepSessionId: string,
  meta: RequestMeta,
): Promise<void> {
  await checkCredentials(ctx, user.email, currentPassword, meta).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'invalid_credentials') {
      throw new AppError('invalid_credentials', {
        message: 'Your current password is incorrect.',
        details: { field: 'currentPassword' },
      });
    }
    throw error;
  });
  const normalised = await acceptablePassword(ctx, newPassword, user.email, user.id);
  await setPassword(ctx, user.id, normalised);
  await revokeAllSessions(ctx, user.id, keepSessionId);
  await revokeAllTrustedDevices(ctx, user.id);
  await audit(ctx, meta, { event: 'password.changed', actorUserId: user.id, targetUserId: user.id });
  await ctx.mail.send(
    mailTemplates.passwordChanged(user.email, { productName: ctx.config.productName, how: 'changed' }),
    ctx.clock(),
  );
}

async function setPassword(ctx: Ctx, userId: string, normalised: string): Promise<void> {
  const hash = await hashPassword(normalised);
  await setPasswordHash(ctx, userId, hash);
}

/**
 * A recovery that a password reset leaves in place is named in the reset emails: a reset never cancels it
 * silently, and the reset blocks it for RECOVERY.afterPasswordResetSeconds (src/recovery/guard.ts).
 */
async function openRecoveryNote(ctx: Ctx, userId: string): Promise<OpenRecoveryNote | null> {
  const open = await openRecovery(ctx, userId);
  if (!open.pending && !open.linkEmailed) return null;
  return {
    completesAt: open.pending?.completesAt ?? null,
    blockDays: Math.round(RECOVERY.afterPasswordResetSeconds / DAY_SECONDS),
  };
}

/** Sends a reset link when the account exists. The caller answers the same either way. */
export async function requestPasswordReset(ctx: Ctx, emailInput: string, meta: RequestMeta): Promise<void> {
  const user = await findUserByEmail(ctx, emailInput);
  // Both branches do the same kind of work (the same reads, an audit row, no waiting for the mail server),
  // so the answer takes about the same time whether the account exists or not (ASVS 5.0 6.3.8).
  const recovery = await openRecoveryNote(ctx, user?.id ?? '');
  if (!user) {
    await audit(ctx, meta, { event: 'password.reset_requested', details: { accountExists: false } });
    return;
  }
  const now = ctx.clock();
  const token = randomToken(TOKENS.bytes);
  await ctx.db.kysely
    .insertInto('password_resets')
    .values({
      id: randomId(),
      user_id: user.id,
      token_hash: sha256Hex(token),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, TOKENS.passwordResetSeconds).toISOString(),
      used_at: null,
    })
    .execute();
  await audit(ctx, meta, {
    event: 'password.reset_requested',
    targetUserId: user.id,
    details: { accountExists: true },
  });
  await ctx.mail.enqueue(
    mailTemplates.passwordReset(user.email, {
      productName: ctx.config.productName,
      url: link(ctx, `/reset-password?token=${encodeURIComponent(token)}`),
      recovery,
    }),
    now,
  );
}

/** True when the token names a live reset (for showing the form). */
export async function resetTokenIsLive(ctx: Ctx, token: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('password_resets')
    .select(['expires_at', 'used_at'])
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  return !!row && !row.used_at && row.expires_at > ctx.clock().toISOString();
}

/**
 * Sets a new password from a reset link. The token is consumed by compare-and-swap; every session ends;
 * the person is NOT signed in: they sign in again, and the second factor (if any) is still asked. For a
 * week afterwards no account recovery can start or complete (the mailbox alone never removes 2FA).
 */
export async function resetPassword(ctx: Ctx, token: string, newPassword: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock().toISOString();
  const row = await ctx.db.kysely
    .selectFrom('password_resets as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.id', 'r.user_id', 'r.expires_at', 'r.used_at', 'u.email'])
    .where('r.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= now) throw new AppError('invalid_token');
  const normalised = await acceptablePassword(ctx, newPassword, row.email, row.user_id);
  const consumed = await ctx.db.kysely
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) throw new AppError('invalid_token');
  // Every other outstanding reset link of this user dies with this one.
  await ctx.db.kysely
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', row.user_id)
    .where('used_at', 'is', null)
    .execute();
  await noteEmailPasswordReset(ctx, row.user_id, now);
  await setPassword(ctx, row.user_id, normalised);
  // The link went to the account's address: following it proves control of that mailbox.
  await markEmailVerified(ctx, row.user_id, 'password_reset', meta);
  await clearAttempts(ctx.db, passwordKey(row.user_id));
  await revokeAllSessions(ctx, row.user_id, null);
  await revokeAllTrustedDevices(ctx, row.user_id);
  const recovery = await openRecoveryNote(ctx, row.user_id);
  await audit(ctx, meta, {
    event: 'password.reset',
    targetUserId: row.user_id,
    details: { recoveryOpen: recovery !== null },
  });
  await ctx.mail.send(
    mailTemplates.passwordChanged(row.email, { productName: ctx.config.productName, how: 'reset', recovery }),
    ctx.clock(),
  );
}
