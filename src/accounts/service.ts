/**
 * Accounts: creating users, checking passwords (with the per-account throttle), setting a new password.
 * Changing and resetting a password are flows (src/flows/password.ts); a reset never touches second
 * factors: the sign-in flow decides what comes after the password, so a reset cannot skip it.
 */
import type { CheckupState } from '../core/checkup.ts';
import { PASSWORD_THROTTLE } from '../config/defaults.ts';
import { randomId } from '../crypto/index.ts';
import { hashPassword, hashQueueFull, needsRehash, verifyAgainstDummy, verifyPassword } from '../crypto/password.ts';
import { isValidEmail, normaliseEmail } from '../core/email.ts';
import { checkPassword, normalisePassword } from '../core/password-policy.ts';
import { english } from '../i18n/index.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { mailTemplates } from '../mail/templates.ts';
import { clearAttempts, reserveAttempt } from '../throttle/store.ts';
import { withSignInFailureBudget } from '../throttle/failure-budget.ts';
import { lockSeconds } from '../core/attempts.ts';
import { isCommonPassword } from './common-passwords.ts';
import { insertUserRow, setPasswordHash } from './store.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly twoFactorEnabled: boolean;
  readonly createdAt: string;
  readonly lastSignInAt: string | null;
  /** When the account was suspended (null: active). */
  readonly suspendedAt: string | null;
  /** Saved language and time zone (src/i18n), or null. */
  readonly locale: string | null;
  readonly timeZone: string | null;
  /** The 2FA check-up's state, when read with the account (src/core/checkup.ts). */
  readonly checkup?: CheckupState;
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  two_factor_enabled: number;
  created_at: string;
  last_sign_in_at: string | null;
  suspended_at?: string | null;
  locale?: string | null;
  time_zone?: string | null;
  two_factor_enabled_at?: string | null;
  checkup_done_at?: string | null;
  checkup_skips?: number | string;
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
    locale: row.locale ?? null,
    timeZone: row.time_zone ?? null,
    ...(row.two_factor_enabled_at !== undefined
      ? {
          checkup: {
            twoFactorEnabled: Number(row.two_factor_enabled) === 1,
            enabledAt: row.two_factor_enabled_at,
            doneAt: row.checkup_done_at ?? null,
            skips: Number(row.checkup_skips ?? 0),
          },
        }
      : {}),
  };
}

export function parseEmail(input: string, field = 'email'): string {
  const email = normaliseEmail(input);
  if (!isValidEmail(email))
    throw new AppError('invalid_request', { key: 'errors:messages.accounts.emailInvalid', details: { field } });
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
      key: `errors:messages.password.${verdict.refusal}`,
      values: verdict.values,
      // The API's `details.reason` stays English, as its `message` does.
      details: { field: 'password', reason: english(`errors:messages.password.${verdict.refusal}`, verdict.values) },
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

/** A user row by id: read by most flows, so compiled once (src/db/prepared.ts). */
const userById = prepared((db: Kysely<Database>, userId: string) =>
  db.selectFrom('users').selectAll().where('id', '=', userId),
);

export async function getUser(ctx: Ctx, userId: string): Promise<User | null> {
  const [row] = await userById(ctx.db.kysely, userId);
  return row ? toUser(row) : null;
}

/** Inserts a user with an already-checked, normalised password. Throws email_taken on a duplicate. */
export async function insertUser(ctx: Ctx, email: string, normalisedPassword: string, name = ''): Promise<User> {
  const now = ctx.clock().toISOString();
  const passwordHash = await hashPassword(normalisedPassword);
  const id = randomId();
  await insertUserRow(ctx, { id, email, name, passwordHash });
  return {
    id,
    email,
    name,
    twoFactorEnabled: false,
    createdAt: now,
    lastSignInAt: null,
    suspendedAt: null,
    locale: null,
    timeZone: null,
  };
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
  // A sign-in storm: answer at once rather than hold the socket in a long hashing queue (nothing is counted).
  if (hashQueueFull()) {
    throw new AppError('rate_limited', {
      key: 'errors:messages.accounts.busy',
      retryAfterSeconds: 1,
    });
  }
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
        mailTemplates.passwordLocked(user, { productName: ctx.config.productName, minutes }),
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

/** Stores a new, already-checked and normalised password (as argon2id). */
export async function setPassword(ctx: Ctx, userId: string, normalised: string): Promise<void> {
  const hash = await hashPassword(normalised);
  await setPasswordHash(ctx, userId, hash);
}

/** Forgets the account's failed password checks (a reset proved the mailbox: the lock is lifted). */
export async function clearPasswordFailures(ctx: Ctx, userId: string): Promise<void> {
  await clearAttempts(ctx.db, passwordKey(userId));
}

/** The person put the onboarding checklist away. */
export async function onboardingDismissed(ctx: Ctx, userId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select('onboarding_dismissed_at')
    .where('id', '=', userId)
    .executeTakeFirst();
  return !!row?.onboarding_dismissed_at;
}
