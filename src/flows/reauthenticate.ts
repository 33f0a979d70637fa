/**
 * Re-authentication inside a session, as ordered checks: address under the sign-in request limit → the
 * password (a fresh sign-in: sudo, or an app's prompt=login / max_age; not for a step-up) → a second factor
 * when the person has 2FA (or the app asks for one) → the session gets a new token and records when →
 * audit. Both checks count against the account like a sign-in (docs/security.md "Guessing limits"). The JSON
 * route, the "Confirm it's you" page and an app's sign-in request all come here.
 */
import { RATE_LIMITS } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import { checkCredentials } from '../accounts/service.ts';
import { rotateSession, type CurrentSession } from '../sessions/service.ts';
import { factorOf, type Proof, type SentCodeMethod } from '../factors/index.ts';
import { failedCode } from '../factors/factor.ts';
import { passkeyFactor } from '../factors/passkey/factor.ts';
import { listPasskeys } from '../factors/passkey/store.ts';
import type { SentCode } from '../factors/phone/send.ts';
import type { SentEmailCode } from '../factors/email/send.ts';
import { methodPolicy, type Acting } from './acting.ts';
import { limitByIp } from './limits.ts';
import { verifySecondFactor } from './second-factor.ts';

export interface ReauthenticationInput {
  /** Null for a step-up, which asks for the second factor only. */
  readonly password: string | null;
  readonly proof: Proof | null;
}

/** What the proof is for: the sudo window, or an app's sign-in request (a fresh sign-in, or a step-up to two factors). */
export type ReauthenticationFor =
  | { readonly kind: 'sudo' }
  | { readonly kind: 'app'; readonly step: 'confirm' | 'step_up'; readonly orgId: string; readonly clientId: string };

export interface Reauthenticated {
  /** The session's new token (the old one stopped working). */
  readonly token: string;
  /** The session as it is now. */
  readonly session: CurrentSession;
}

export async function reauthenticate(
  ctx: Ctx,
  by: Acting,
  input: ReauthenticationInput,
  purpose: ReauthenticationFor = { kind: 'sudo' },
): Promise<Reauthenticated> {
  const session = by.session;
  const stepUp = purpose.kind === 'app' && purpose.step === 'step_up';
  await limitByIp(ctx, by.meta, 'sign-in', RATE_LIMITS.signIn);
  let amr = [...session.amr];
  if (!stepUp) {
    await checkCredentials(ctx, session.user.email, input.password ?? '', by.meta);
    amr = ['pwd'];
  }
  if (session.user.twoFactorEnabled || stepUp) {
    if (!input.proof) {
      throw new AppError('reauthentication_required', {
        key: 'errors:messages.reauthenticate.codeMissing',
        details: { field: 'code' },
      });
    }
    // The org's method rule, as at sign-in (a method past a passkey-only deadline confirms nothing).
    await methodPolicy(ctx, session.user.id).assertAllowed(input.proof.method);
    const outcome = await verifySecondFactor(ctx, session.user, input.proof, by.meta, 'reauthenticate');
    if (!outcome.ok) throw failedCode(outcome);
    amr = [...new Set([...amr, ...outcome.amr, 'mfa'])];
  }
  // An app's request reports the methods of this proof in its ID token (amr, acr); the sudo window keeps
  // the sign-in's.
  const recorded = purpose.kind === 'app' ? amr : session.amr;
  const token = await rotateSession(
    ctx,
    session.id,
    stepUp ? { steppedUp: true, amr: recorded } : { reauthenticated: true, amr: recorded },
  );
  await audit(ctx, by.meta, {
    event: stepUp ? 'oidc.stepped_up' : 'reauthenticated',
    actorUserId: session.userId,
    targetUserId: session.userId,
    ...(purpose.kind === 'app' ? { orgId: purpose.orgId, details: { clientId: purpose.clientId } } : {}),
  });
  const now = ctx.clock().toISOString();
  return {
    token,
    session: { ...session, amr: recorded, ...(stepUp ? { steppedUpAt: now } : { reauthenticatedAt: now }) },
  };
}

/** "Text me a code" (or call me, or email me) for a re-authentication or for turning 2FA off. */
export async function sendReauthenticationCode(
  ctx: Ctx,
  by: Acting,
  method: SentCodeMethod,
): Promise<SentCode | SentEmailCode> {
  const userId = by.session.userId;
  const factor = factorOf(method);
  if (!factor.challenge) throw new AppError('invalid_request', { details: { field: 'method' } });
  return (await factor.challenge(
    ctx,
    { userId, method, purpose: 'reauthenticate', policy: methodPolicy(ctx, userId) },
    by.meta,
  )) as SentCode | SentEmailCode;
}

/** Request options for confirming with a passkey (re-authentication, turning 2FA off). */
export async function reauthenticationPasskeyOptions(ctx: Ctx, by: Acting): Promise<unknown> {
  const userId = by.session.userId;
  if ((await listPasskeys(ctx, userId)).length === 0)
    throw new AppError('not_found', { key: 'errors:messages.passkey.noneRegistered' });
  return passkeyFactor.challenge(
    ctx,
    { userId, method: 'passkey', purpose: 'reauthenticate', policy: methodPolicy(ctx, userId) },
    by.meta,
  );
}
