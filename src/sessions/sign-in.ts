/**
 * Sign-in as two ordered steps.
 * Password step: credentials (throttled per IP by the route, per account here) → does the user have a
 *   second factor? → trusted browser? → a session, or a challenge (not a session).
 * Second step: live challenge → counted → factor verifies and consumes → challenge consumed → new session.
 * The second step is asked whenever the user has a primary factor: neither a password reset nor
 * "remember me" changes that, and "remember me" has no effect on a 2FA sign-in.
 * Passkey step (passwordless): assertion verified → with user verification it counts as both factors
 *   (a session); without, it stands in for the password only, and a challenge asks for one of the
 *   user's other methods — never a passkey again, so one device cannot supply both steps.
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { checkCredentials, getUser, type User } from '../accounts/service.ts';
import { methodsForUser } from '../factors/index.ts';
import type { SecondFactorMethod } from '../factors/factor.ts';
import { failedCode, verifySecondFactor } from '../factors/second-step.ts';
import { AppError } from '../errors.ts';
import { cancelRecoveriesOf, completeDueRecovery } from '../recovery/service.ts';
import { trustedDeviceDays } from '../orgs/policy.ts';
import { createSession, type SessionView } from './service.ts';
import {
  attemptsLeft,
  consumeChallenge,
  countChallengeAttempt,
  createChallenge,
  liveChallenge,
  type Challenge,
} from './challenge.ts';
import { verifyAssertion } from '../factors/passkey/ceremony.ts';
import { isTrustedDevice, noteSignInDevice, trustDevice } from './devices.ts';
import { touchLastSignIn } from '../accounts/store.ts';

/** What the browser brought: its id cookie (for new-device emails) and its trusted-device token. */
export interface BrowserTokens {
  readonly deviceId: string | null;
  readonly trustToken: string | undefined;
}

export type PasswordStepResult =
  | { readonly status: 'signed_in'; readonly user: User; readonly token: string; readonly session: SessionView }
  | {
      readonly status: 'second_factor_required';
      readonly user: User;
      readonly methods: readonly SecondFactorMethod[];
      readonly challengeToken: string;
      readonly expiresAt: string;
    };

/** A suspended account gets neither a session nor a challenge, whichever way it proved itself. */
function refuseSuspended(user: User): void {
  if (user.suspendedAt) throw new AppError('account_suspended');
}

async function defaultMethodOf(ctx: Ctx, userId: string): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select('default_method')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.default_method ?? null;
}

export async function passwordStep(
  ctx: Ctx,
  input: { email: string; password: string; rememberMe: boolean },
  meta: RequestMeta,
  browser: BrowserTokens = { deviceId: null, trustToken: undefined },
): Promise<PasswordStepResult> {
  const checked = await checkCredentials(ctx, input.email, input.password, meta);
  refuseSuspended(checked);
  // A recovery whose delay has run out completes now: the factors go, and this sign-in starts fresh.
  const recovered = await completeDueRecovery(ctx, checked, meta);
  const user = recovered ? ((await getUser(ctx, checked.id)) ?? checked) : checked;
  const methods = await methodsForUser(ctx, user.id, await defaultMethodOf(ctx, user.id));
  if (methods.length === 0) {
    const { token, session } = await createSession(
      ctx,
      { userId: user.id, amr: ['pwd'], remember: input.rememberMe },
      meta,
    );
    await finishSignIn(ctx, user, ['pwd'], meta, browser.deviceId);
    return { status: 'signed_in', user, token, session };
  }
  if (await isTrustedDevice(ctx, user.id, browser.trustToken, meta)) {
    // Skips only the second step; the session is below AAL2, so sudo will ask for the factor again.
    const { token, session } = await createSession(
      ctx,
      { userId: user.id, amr: ['pwd'], remember: false, freshProof: false },
      meta,
    );
    await finishSignIn(ctx, user, ['pwd'], meta, browser.deviceId, { trustedDevice: true });
    return { status: 'signed_in', user, token, session };
  }
  const { token, challenge } = await createChallenge(ctx, user.id);
  return { status: 'second_factor_required', user, methods, challengeToken: token, expiresAt: challenge.expiresAt };
}

export interface SecondStepResult {
  readonly user: User;
  readonly token: string;
  readonly session: SessionView;
  readonly trust: { token: string; maxAgeSeconds: number } | null;
  /** A pending account recovery was cancelled: the person evidently still has a factor. */
  readonly recoveryCancelled: boolean;
}

export async function secondStep(
  ctx: Ctx,
  challengeToken: string | undefined,
  input: { method: SecondFactorMethod; code: string; trustDevice: boolean },
  meta: RequestMeta,
  browser: BrowserTokens,
): Promise<SecondStepResult> {
  const challenge = await liveChallenge(ctx, challengeToken);
  const user = await getUser(ctx, challenge.userId);
  if (!user) throw new AppError('challenge_expired');
  refuseSuspended(user);
  if (challenge.firstStep !== 'pwd' && input.method === 'passkey') {
    throw new AppError('invalid_code', {
      message: 'A passkey already stood in for your password: choose another way for this step.',
    });
  }
  await countChallengeAttempt(ctx, challenge.id);
  const outcome = await verifySecondFactor(ctx, user, input.method, input.code, meta, 'sign_in', {
    challengeId: challenge.id,
  });
  if (!outcome.ok) {
    const error = failedCode(outcome);
    throw Object.assign(error, { details: { ...error.details, attemptsLeft: await attemptsLeft(ctx, challenge.id) } });
  }
  await consumeChallenge(ctx, challenge.id);
  const amr = [challenge.firstStep, ...outcome.amr, 'mfa'];
  const { token, session } = await createSession(ctx, { userId: user.id, amr, remember: false }, meta);
  let trust: SecondStepResult['trust'] = null;
  if (input.trustDevice) {
    const days = await trustedDeviceDays(ctx, user.id);
    if (days > 0) trust = await trustDevice(ctx, user.id, days, meta);
  }
  await finishSignIn(ctx, user, amr, meta, browser.deviceId, { method: input.method });
  const recoveryCancelled = (await cancelRecoveriesOf(ctx, user.id, 'signed_in_with_factor', meta)) > 0;
  return { user, token, session, trust, recoveryCancelled };
}

/** The methods a pending challenge offers: no passkey when a passkey already stood in for the password. */
export async function methodsForChallenge(ctx: Ctx, challenge: Challenge): Promise<SecondFactorMethod[]> {
  const methods = await methodsForUser(ctx, challenge.userId, await defaultMethodOf(ctx, challenge.userId));
  return challenge.firstStep === 'pwd' ? methods : methods.filter((m) => m !== 'passkey');
}

/**
 * Passwordless sign-in with a discoverable passkey. Failures are audited but not counted against the
 * account: a signature cannot be guessed, and counting would let anyone lock a user out by credential id.
 */
export async function passkeyStep(
  ctx: Ctx,
  response: unknown,
  meta: RequestMeta,
  browser: BrowserTokens,
): Promise<PasswordStepResult> {
  const outcome = await verifyAssertion(ctx, response, { purpose: 'passwordless', userId: null }, meta);
  const user = outcome.userId ? await getUser(ctx, outcome.userId) : null;
  if (!outcome.ok || !user) {
    await audit(ctx, meta, {
      event: 'sign_in.failed',
      targetUserId: outcome.userId,
      details: { step: 'passkey', reason: outcome.ok ? 'unknown_user' : outcome.reason },
    });
    throw new AppError('invalid_code', {
      message: 'That passkey could not be verified. Try again, or sign in with your password.',
    });
  }
  refuseSuspended(user);
  if (outcome.userVerified) {
    const amr = [outcome.amr, 'user', 'mfa'];
    // No password was typed: the sudo window stays shut until a re-authentication (PRODUCT.md "Sudo").
    const { token, session } = await createSession(
      ctx,
      { userId: user.id, amr, remember: false, freshProof: false },
      meta,
    );
    await finishSignIn(ctx, user, amr, meta, browser.deviceId, { method: 'passkey', passwordless: true });
    return { status: 'signed_in', user, token, session };
  }
  const methods = (await methodsForUser(ctx, user.id, await defaultMethodOf(ctx, user.id))).filter(
    (m) => m !== 'passkey',
  );
  if (methods.length === 0) {
    throw new AppError('invalid_code', {
      message:
        'This passkey did not verify you (no PIN, fingerprint or face), so it cannot sign you in alone. Sign in with your password.',
    });
  }
  const { token, challenge } = await createChallenge(ctx, user.id, outcome.amr);
  return { status: 'second_factor_required', user, methods, challengeToken: token, expiresAt: challenge.expiresAt };
}

/** Bookkeeping after any successful sign-in. */
export async function finishSignIn(
  ctx: Ctx,
  user: { id: string; email: string },
  amr: readonly string[],
  meta: RequestMeta,
  deviceId: string | null,
  details: Record<string, string | boolean> = {},
): Promise<void> {
  await touchLastSignIn(ctx, user.id);
  await audit(ctx, meta, {
    event: 'sign_in.succeeded',
    actorUserId: user.id,
    targetUserId: user.id,
    details: { amr: amr.join(' '), ...details },
  });
  if (deviceId) await noteSignInDevice(ctx, user, deviceId, meta);
}
