/**
 * Sign-in as two ordered steps.
 * Password step: address under its request limit → credentials (throttled per account) → does the person
 *   have a second factor? → trusted browser? → a session, or a challenge (not a session).
 * Second step: live challenge → counted → factor verifies and consumes → challenge consumed → new session.
 * The second step is asked whenever the person has a primary factor: neither a password reset nor
 * "remember me" changes that, and "remember me" has no effect on a 2FA sign-in. A passkey that stood in
 * for the password (./sign-in-passkey.ts) is never asked again, so one device cannot supply both steps.
 */
import { RATE_LIMITS } from '../config/defaults.ts';
import { audit, inTransaction, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { checkCredentials, getUser, type User } from '../accounts/service.ts';
import { touchLastSignIn } from '../accounts/store.ts';
import {
  factorOf,
  methodsForUser,
  methodsGiving,
  type Proof,
  type SecondFactorMethod,
  type SentCodeMethod,
} from '../factors/index.ts';
import { failedCode } from '../factors/factor.ts';
import type { SentCode } from '../factors/phone/send.ts';
import { sendEmailCode, type SentEmailCode } from '../factors/email/send.ts';
import { AppError } from '../errors.ts';
import { cancelRecoveriesOf } from '../recovery/service.ts';
import { newDeviceCheckApplies, trustedDeviceDays } from '../orgs/policy.ts';
import { createSession, type SessionView } from '../sessions/service.ts';
import {
  consumeChallenge,
  claimChallengeAttempt,
  createChallenge,
  liveChallenge,
  type Challenge,
} from '../sessions/challenge.ts';
import { isNewDevice, isTrustedDevice, noteSignInDevice, trustDevice } from '../sessions/devices.ts';
import { methodPolicy } from './acting.ts';
import { limitByIp } from './limits.ts';
import { completeDueRecovery } from './recovery.ts';
import type { Recipient } from '../mail/templates.ts';
import { verifySecondFactor } from './second-factor.ts';

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
    }
  | {
      /** A member without 2FA on a browser never seen for the account: a code was emailed. */
      readonly status: 'device_check_required';
      readonly user: User;
      readonly methods: readonly ['email'];
      readonly challengeToken: string;
      readonly expiresAt: string;
    };

/** A suspended account gets neither a session nor a challenge, whichever way it proved itself. */
export function refuseSuspended(user: User): void {
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

/** The person's methods for a second step, without those of the factor that gave `firstStep` (amr). */
export async function secondStepMethods(
  ctx: Ctx,
  userId: string,
  firstStep: Challenge['firstStep'],
): Promise<SecondFactorMethod[]> {
  const methods = await methodsForUser(ctx, userId, await defaultMethodOf(ctx, userId));
  const spent = firstStep === 'pwd' ? [] : methodsGiving(firstStep);
  return methods.filter((m) => !spent.includes(m));
}

export async function passwordStep(
  ctx: Ctx,
  input: { email: string; password: string; rememberMe: boolean },
  meta: RequestMeta,
  browser: BrowserTokens = { deviceId: null, trustToken: undefined },
): Promise<PasswordStepResult> {
  await limitByIp(ctx, meta, 'sign-in', RATE_LIMITS.signIn);
  const checked = await checkCredentials(ctx, input.email, input.password, meta);
  return afterPassword(ctx, checked, input.rememberMe, meta, browser);
}

/**
 * The sign-in once the password is proven (typed at sign-in, or just chosen or checked when accepting an
 * invitation): signed in when there is no second step (or on a trusted browser), else the challenge.
 */
export async function afterPassword(
  ctx: Ctx,
  checked: User,
  rememberMe: boolean,
  meta: RequestMeta,
  browser: BrowserTokens = { deviceId: null, trustToken: undefined },
): Promise<PasswordStepResult> {
  refuseSuspended(checked);
  // A recovery whose delay has run out completes now: the factors go, and this sign-in starts fresh.
  const recovered = await completeDueRecovery(ctx, checked, meta);
  const user = recovered ? ((await getUser(ctx, checked.id)) ?? checked) : checked;
  const methods = await secondStepMethods(ctx, user.id, 'pwd');
  if (methods.length === 0) {
    const check = await deviceCheck(ctx, user, meta, browser.deviceId);
    if (check) return check;
    const { token, session } = await createSession(ctx, { userId: user.id, amr: ['pwd'], remember: rememberMe }, meta);
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

/**
 * The new-device check (org setting `newDeviceCheck`): a member without 2FA whose password sign-in comes
 * from a browser never seen for the account — when the account has signed in before, the same rule as the
 * "new sign-in" email — gets a challenge and a code by email instead of a session. The code email tells
 * where the sign-in came from and stands in for the "new sign-in" notice.
 */
async function deviceCheck(
  ctx: Ctx,
  user: User,
  meta: RequestMeta,
  deviceId: string | null,
): Promise<PasswordStepResult | null> {
  if (!(await newDeviceCheckApplies(ctx, user.id))) return null;
  if (!(await isNewDevice(ctx, user.id, deviceId))) return null;
  const { token, challenge } = await createChallenge(ctx, user.id, 'pwd', 'device_check');
  await sendEmailCode(
    ctx,
    { purpose: 'sign_in', userId: user.id, challengeId: challenge.id, medium: 'email' },
    user,
    'device_check',
    meta,
  );
  await audit(ctx, meta, { event: 'sign_in.device_check_required', actorUserId: user.id, targetUserId: user.id });
  return {
    status: 'device_check_required',
    user,
    methods: ['email'],
    challengeToken: token,
    expiresAt: challenge.expiresAt,
  };
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
  input: { proof: Proof; trustDevice: boolean },
  meta: RequestMeta,
  browser: BrowserTokens,
): Promise<SecondStepResult> {
  // Found and counted in one statement (a wrong answer of any kind uses one of the challenge's attempts).
  const challenge = await claimChallengeAttempt(ctx, challengeToken);
  const user = await getUser(ctx, challenge.userId);
  if (!user) throw new AppError('challenge_expired');
  refuseSuspended(user);
  const method = input.proof.method;
  const attemptsLeft = { attemptsLeft: challenge.attemptsLeft };
  if (challenge.kind === 'device_check') {
    if (method !== 'email')
      throw new AppError('invalid_request', {
        key: 'errors:messages.signIn.emailCodeExpected',
        details: { field: 'method', ...attemptsLeft },
      });
  } else {
    // THE method rule (an org may refuse a method, here as when enrolling and sending a code).
    try {
      await methodPolicy(ctx, user.id).assertAllowed(method);
    } catch (error) {
      if (error instanceof AppError && error.code === 'method_not_allowed_by_org')
        await audit(ctx, meta, {
          event: 'sign_in.method_refused',
          targetUserId: user.id,
          details: { method, rule: String(error.details.rule) },
        });
      throw error;
    }
  }
  if (challenge.firstStep !== 'pwd' && methodsGiving(challenge.firstStep).includes(method)) {
    throw new AppError('invalid_code', {
      key: 'errors:messages.signIn.passkeyAlreadyUsed',
      details: { attemptsLeft: challenge.attemptsLeft },
    });
  }
  const outcome = await verifySecondFactor(ctx, user, input.proof, meta, 'sign_in', challenge.id);
  if (!outcome.ok) {
    const error = failedCode(outcome);
    throw Object.assign(error, { details: { ...error.details, attemptsLeft: challenge.attemptsLeft } });
  }
  if (challenge.kind === 'device_check') {
    // The password and the mailbox: not two factors of the person's, so no 'mfa' (the session stays AAL1).
    const checked = ['pwd', 'email'];
    return inTransaction(ctx, async (tx) => {
      await consumeChallenge(tx, challenge.id);
      const { token, session } = await createSession(tx, { userId: user.id, amr: checked, remember: false }, meta);
      // The code email already told the person about this new device: no second "new sign-in" email.
      await finishSignIn(tx, user, checked, meta, browser.deviceId, { deviceCheck: true }, { notify: false });
      return { user, token, session, trust: null, recoveryCancelled: false };
    });
  }
  const amr = [challenge.firstStep, ...outcome.amr, 'mfa'];
  // Everything the passed step writes commits at once (one commit instead of one per write); mail after it.
  return inTransaction(ctx, async (tx) => {
    await consumeChallenge(tx, challenge.id);
    const { token, session } = await createSession(tx, { userId: user.id, amr, remember: false }, meta);
    const trust = input.trustDevice ? await trustThisBrowser(tx, user.id, meta) : null;
    await finishSignIn(tx, user, amr, meta, browser.deviceId, { method });
    const recoveryCancelled = (await cancelRecoveriesOf(tx, user.id, 'signed_in_with_factor', meta)) > 0;
    return { user, token, session, trust, recoveryCancelled };
  });
}

/** "Trust this device": as long as the person's orgs allow (not at all when one says 0 days). */
async function trustThisBrowser(
  ctx: Ctx,
  userId: string,
  meta: RequestMeta,
): Promise<{ token: string; maxAgeSeconds: number } | null> {
  const days = await trustedDeviceDays(ctx, userId);
  if (days <= 0) return null;
  const trusted = await trustDevice(ctx, userId, days, meta);
  await audit(ctx, meta, {
    event: 'trusted_device.added',
    actorUserId: userId,
    targetUserId: userId,
    details: { deviceId: trusted.deviceId, days },
  });
  return { token: trusted.token, maxAgeSeconds: trusted.maxAgeSeconds };
}

/** The methods a pending challenge offers. */
export async function methodsForChallenge(ctx: Ctx, challenge: Challenge): Promise<SecondFactorMethod[]> {
  return secondStepMethods(ctx, challenge.userId, challenge.firstStep);
}

/**
 * A code by text, call or email for the pending challenge (the org policy decides whether that method may
 * be used). For a new-device check, only a new code by email.
 */
export async function sendSignInCode(
  ctx: Ctx,
  challengeToken: string | undefined,
  method: SentCodeMethod,
  meta: RequestMeta,
): Promise<SentCode | SentEmailCode> {
  const challenge = await liveChallenge(ctx, challengeToken);
  if (challenge.kind === 'device_check') {
    const user = await getUser(ctx, challenge.userId);
    if (!user) throw new AppError('challenge_expired');
    if (method !== 'email')
      throw new AppError('invalid_request', {
        key: 'errors:messages.signIn.askEmailCode',
        details: { field: 'method' },
      });
    const binding = { purpose: 'sign_in', userId: user.id, challengeId: challenge.id, medium: 'email' } as const;
    return sendEmailCode(ctx, binding, user, 'device_check', meta);
  }
  const factor = factorOf(method);
  if (!factor.challenge) throw new AppError('invalid_request', { details: { field: 'method' } });
  return (await factor.challenge(
    ctx,
    {
      userId: challenge.userId,
      method,
      purpose: 'sign_in',
      challengeId: challenge.id,
      policy: methodPolicy(ctx, challenge.userId),
    },
    meta,
  )) as SentCode | SentEmailCode;
}

/** Bookkeeping after any successful sign-in. */
export async function finishSignIn(
  ctx: Ctx,
  user: Recipient & { readonly id: string },
  amr: readonly string[],
  meta: RequestMeta,
  deviceId: string | null,
  details: Record<string, string | boolean> = {},
  options: { notify: boolean } = { notify: true },
): Promise<void> {
  await touchLastSignIn(ctx, user.id);
  await audit(ctx, meta, {
    event: 'sign_in.succeeded',
    actorUserId: user.id,
    targetUserId: user.id,
    details: { amr: amr.join(' '), ...details },
  });
  if (deviceId) await noteSignInDevice(ctx, user, deviceId, meta, options);
}
