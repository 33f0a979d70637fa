/**
 * Signing in with a passkey: as the second step of a pending challenge, or passwordless. Passwordless, an
 * assertion with user verification counts as both factors (a session); without, it stands in for the
 * password only, and a challenge asks for one of the person's other methods. The stored WebAuthn challenge
 * the browser signed says which of the two an answer is for.
 */
import { PASSKEY, RATE_LIMITS } from '../config/defaults.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { getUser } from '../accounts/service.ts';
import { AppError } from '../errors.ts';
import { challengeOf, verifyAssertion } from '../factors/passkey/ceremony.ts';
import { passkeyFactor } from '../factors/passkey/factor.ts';
import { challengePurpose, listPasskeys } from '../factors/passkey/store.ts';
import { createChallenge, liveChallenge } from '../sessions/challenge.ts';
import { createSession } from '../sessions/service.ts';
import { methodPolicy, NO_POLICY } from './acting.ts';
import { limitByIp } from './limits.ts';
import {
  finishSignIn,
  refuseSuspended,
  secondStep,
  secondStepMethods,
  type BrowserTokens,
  type PasswordStepResult,
  type SecondStepResult,
} from './sign-in.ts';

/**
 * Request options: for the pending challenge's second step, or for a passwordless sign-in when there is no
 * challenge (or the browser asks for one). Each call stores a challenge, so it is limited per address.
 */
export async function passkeySignInOptions(
  ctx: Ctx,
  challengeToken: string | undefined,
  mode: 'passwordless' | 'auto',
  meta: RequestMeta,
): Promise<unknown> {
  await limitByIp(ctx, meta, 'passkey-options', PASSKEY.optionsRateLimit);
  const challenge =
    mode === 'passwordless' || !challengeToken ? null : await liveChallenge(ctx, challengeToken).catch(() => null);
  if (!challenge)
    return passkeyFactor.challenge(
      ctx,
      { userId: null, method: 'passkey', purpose: 'passwordless', policy: NO_POLICY },
      meta,
    );
  if (challenge.firstStep !== 'pwd' || (await listPasskeys(ctx, challenge.userId)).length === 0) {
    throw new AppError('not_found', { key: 'errors:messages.passkey.unavailable' });
  }
  return passkeyFactor.challenge(
    ctx,
    { userId: challenge.userId, method: 'passkey', purpose: 'sign_in', policy: methodPolicy(ctx, challenge.userId) },
    meta,
  );
}

export type PasskeySignInResult =
  | { readonly step: 'first'; readonly result: PasswordStepResult }
  | { readonly step: 'second'; readonly result: SecondStepResult };

export async function signInWithPasskey(
  ctx: Ctx,
  challengeToken: string | undefined,
  input: { response: unknown; trustDevice: boolean },
  meta: RequestMeta,
  browser: BrowserTokens,
): Promise<PasskeySignInResult> {
  await limitByIp(ctx, meta, 'sign-in', RATE_LIMITS.signIn);
  const signed = challengeOf(input.response);
  if (signed && (await challengePurpose(ctx, signed)) === 'passwordless')
    return { step: 'first', result: await passwordless(ctx, input.response, meta, browser) };
  try {
    const proof = { method: 'passkey' as const, response: input.response };
    return {
      step: 'second',
      result: await secondStep(ctx, challengeToken, { proof, trustDevice: input.trustDevice }, meta, browser),
    };
  } catch (error) {
    throw passkeyRefused(error);
  }
}

/** A failed passkey second step keeps its details (attempts left) with a passkey-shaped message. */
function passkeyRefused(error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'invalid_code' || error.messageKey !== 'errors:codes.invalid_code')
    return error;
  return new AppError('invalid_code', {
    key: 'errors:messages.passkey.signInFailed',
    details: { ...error.details },
  });
}

/**
 * Passwordless sign-in with a discoverable passkey. Failures are audited but not counted against the
 * account: a signature cannot be guessed, and counting would let anyone lock a person out by credential id.
 */
async function passwordless(
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
    throw new AppError('invalid_code', { key: 'errors:messages.passkey.passwordlessFailed' });
  }
  refuseSuspended(user);
  if (outcome.userVerified) {
    const amr = [outcome.amr, 'user', 'mfa'];
    // No password was typed: the sudo window stays shut until a re-authentication (docs/product.md "Sudo").
    const { token, session } = await createSession(
      ctx,
      { userId: user.id, amr, remember: false, freshProof: false },
      meta,
    );
    await finishSignIn(ctx, user, amr, meta, browser.deviceId, { method: 'passkey', passwordless: true });
    return { status: 'signed_in', user, token, session };
  }
  const methods = await secondStepMethods(ctx, user.id, outcome.amr);
  if (methods.length === 0) {
    throw new AppError('invalid_code', { key: 'errors:messages.passkey.notUserVerified' });
  }
  const { token, challenge } = await createChallenge(ctx, user.id, outcome.amr);
  return { status: 'second_factor_required', user, methods, challengeToken: token, expiresAt: challenge.expiresAt };
}
