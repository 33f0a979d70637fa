/**
 * The WebAuthn ceremonies (WebAuthn Level 3 §7), each as ordered checks. Registration: challenge spent →
 * attestation verified (type, challenge, origin, rpIdHash, UP) → id length → stored. Authentication:
 * challenge spent (bound to purpose and user) → credential known and the user's → signature, origin,
 * rpIdHash, UP → counter moves forward (else refused, audited, emailed) → use recorded.
 * The RP ID and origin come from PUBLIC_URL, never from the request.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { PASSKEY } from '../../config/defaults.ts';
import { audit, type Ctx } from '../../context.ts';
import type { RequestMeta } from '../../audit/store.ts';
import { recipientOf, securityTemplates } from '../../mail/templates.ts';
import {
  consumeWebauthnChallenge,
  createWebauthnChallenge,
  findPasskeyByCredentialId,
  listPasskeys,
  recordPasskeyUse,
  type NewPasskey,
  type Passkey,
  type WebauthnPurpose,
} from './store.ts';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const rpIdOf = (ctx: Ctx): string => new URL(ctx.config.publicUrl).hostname;

/** The WebAuthn user handle: the user's id as UTF-8 (opaque, no personal data; WebAuthn L3 §14.6.1). */
const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(userId);

/** "hwk" (hardware-bound key) or "swk" (a synced, software-held key) — RFC 8176 §2. */
export const amrOf = (deviceType: Passkey['deviceType']): 'hwk' | 'swk' =>
  deviceType === 'multiDevice' ? 'swk' : 'hwk';

/** The challenge the browser signed, read from clientDataJSON; null when the response is malformed. */
export function challengeOf(response: unknown): string | null {
  const clientDataJSON = (response as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (
    typeof clientDataJSON !== 'string' ||
    clientDataJSON.length > PASSKEY.maxAssertionChars ||
    !BASE64URL.test(clientDataJSON)
  )
    return null;
  try {
    const challenge = (JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown })
      .challenge;
    return typeof challenge === 'string' && challenge.length <= 200 && BASE64URL.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

export async function registrationOptions(
  ctx: Ctx,
  user: { id: string; email: string; name: string },
  label: string,
  attestation: 'none' | 'direct' = 'none',
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { challenge } = await createWebauthnChallenge(ctx, { userId: user.id, purpose: 'register', label });
  const existing = await listPasskeys(ctx, user.id);
  return generateRegistrationOptions({
    rpName: ctx.config.productName,
    rpID: rpIdOf(ctx),
    userID: userHandleOf(user.id),
    userName: user.email,
    userDisplayName: user.name || user.email,
    challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
    timeout: PASSKEY.ceremonyTimeoutMs,
    // 'direct' when an org lists the authenticator models it accepts: only an attestation names the model.
    attestationType: attestation,
    // The authenticator refuses to make a second passkey for this account (WebAuthn L3 §5.4).
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: [...p.transports] })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

export type RegistrationResult =
  | {
      ok: true;
      credential: NewPasskey;
      /** The attestation statement's format: 'none' when the authenticator did not say what it is. */
      format: string;
    }
  | { ok: false; reason: 'expired' | 'invalid' | 'duplicate' };

/** Verifies a registration; the credential it returns is the caller's to store (insertPasskey). */
export async function verifyRegistration(
  ctx: Ctx,
  userId: string,
  response: unknown,
  fallbackLabel: string,
): Promise<RegistrationResult> {
  const challenge = challengeOf(response);
  if (!challenge) return { ok: false, reason: 'invalid' };
  const spent = await consumeWebauthnChallenge(ctx, challenge, { purpose: 'register', userId });
  if (!spent.ok) return { ok: false, reason: 'expired' };
  let info;
  try {
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: ctx.config.publicOrigin,
      expectedRPID: rpIdOf(ctx),
      requireUserVerification: false,
    });
    if (!verified.verified) return { ok: false, reason: 'invalid' };
    info = verified.registrationInfo;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (Buffer.from(info.credential.id, 'base64url').length > PASSKEY.maxCredentialIdBytes)
    return { ok: false, reason: 'invalid' };
  if (await findPasskeyByCredentialId(ctx, info.credential.id)) return { ok: false, reason: 'duplicate' };
  const credential: NewPasskey = {
    userId,
    credentialId: info.credential.id,
    publicKey: new Uint8Array(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    label: spent.label ?? fallbackLabel,
    aaguid: info.aaguid,
  };
  return { ok: true, credential, format: info.fmt };
}

/** Request options: the user's passkeys when the user is known, none (any discoverable one) otherwise. */
export async function authenticationOptions(
  ctx: Ctx,
  input: { userId: string | null; purpose: WebauthnPurpose },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { challenge } = await createWebauthnChallenge(ctx, { userId: input.userId, purpose: input.purpose });
  const passkeys = input.userId ? await listPasskeys(ctx, input.userId) : [];
  return generateAuthenticationOptions({
    rpID: rpIdOf(ctx),
    challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
    timeout: PASSKEY.ceremonyTimeoutMs,
    userVerification: 'preferred',
    ...(input.userId
      ? { allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: [...p.transports] })) }
      : {}),
  });
}

export type AssertionOutcome =
  | { ok: true; userId: string; passkey: Passkey; amr: 'hwk' | 'swk'; userVerified: boolean }
  | {
      ok: false;
      reason:
        | 'malformed'
        | 'unknown_challenge'
        | 'expired'
        | 'replayed'
        | 'unknown_credential'
        | 'invalid'
        | 'counter_regression';
      userId: string | null;
    };

function isAssertionShape(value: unknown): value is AuthenticationResponseJSON {
  const v = value as { id?: unknown; rawId?: unknown; type?: unknown; response?: Record<string, unknown> } | null;
  return (
    typeof v?.id === 'string' &&
    v.id.length <= 2 * PASSKEY.maxCredentialIdBytes &&
    BASE64URL.test(v.id) &&
    v.rawId === v.id &&
    v.type === 'public-key' &&
    typeof v.response === 'object' &&
    v.response !== null &&
    typeof v.response.authenticatorData === 'string' &&
    typeof v.response.signature === 'string'
  );
}

/**
 * Verifies an assertion for `purpose`. `userId` is the user the ceremony was started for (second step,
 * re-authentication) or null (passwordless: the credential names the user).
 */
export async function verifyAssertion(
  ctx: Ctx,
  response: unknown,
  expect: { purpose: WebauthnPurpose; userId: string | null },
  meta: RequestMeta,
): Promise<AssertionOutcome> {
  const fail = (
    reason: Extract<AssertionOutcome, { ok: false }>['reason'],
    userId: string | null = expect.userId,
  ): AssertionOutcome => ({ ok: false, reason, userId });
  // Shape and the signed challenge.
  const challenge = challengeOf(response);
  if (!challenge || !isAssertionShape(response)) return fail('malformed');
  // Single use, unexpired, issued for this purpose and user.
  const spent = await consumeWebauthnChallenge(ctx, challenge, expect);
  if (!spent.ok) return fail(spent.reason === 'unknown' ? 'unknown_challenge' : spent.reason);
  // The credential exists and belongs to the identified user; a user handle, when sent, agrees.
  const passkey = await findPasskeyByCredentialId(ctx, response.id);
  if (!passkey || (expect.userId !== null && passkey.userId !== expect.userId)) return fail('unknown_credential');
  const userHandle = response.response.userHandle;
  if (userHandle && userHandle !== Buffer.from(userHandleOf(passkey.userId)).toString('base64url'))
    return fail('unknown_credential', passkey.userId);
  // Type, challenge, origin, rpIdHash, UP and the signature. The counter is checked below, after the
  // signature, so only a genuine signature can raise the cloned-passkey alarm.
  let info;
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ctx.config.publicOrigin,
      expectedRPID: rpIdOf(ctx),
      credential: {
        id: passkey.credentialId,
        publicKey: passkey.publicKey,
        counter: 0,
        transports: [...passkey.transports],
      },
      requireUserVerification: false,
    });
    if (!verified.verified) return fail('invalid', passkey.userId);
    info = verified.authenticationInfo;
  } catch {
    return fail('invalid', passkey.userId);
  }
  // signCount: once either side is non-zero it must grow (WebAuthn L3 §6.1.1); 0 staying 0 is fine.
  const counter = info.newCounter;
  if ((passkey.counter > 0 || counter > 0) && counter <= passkey.counter) {
    await counterRegressed(ctx, passkey, counter, meta);
    return fail('counter_regression', passkey.userId);
  }
  if (!(await recordPasskeyUse(ctx, passkey, { counter, backedUp: info.credentialBackedUp })))
    return fail('replayed', passkey.userId);
  return { ok: true, userId: passkey.userId, passkey, amr: amrOf(passkey.deviceType), userVerified: info.userVerified };
}

async function counterRegressed(ctx: Ctx, passkey: Passkey, received: number, meta: RequestMeta): Promise<void> {
  await audit(ctx, meta, {
    event: 'passkey.counter_regression',
    targetUserId: passkey.userId,
    details: { factorId: passkey.id, label: passkey.label, storedCounter: passkey.counter, receivedCounter: received },
  });
  const owner = await ctx.db.kysely
    .selectFrom('users')
    .select(['email', 'locale', 'time_zone'])
    .where('id', '=', passkey.userId)
    .executeTakeFirst();
  if (owner)
    await ctx.mail.send(
      securityTemplates.passkeyCounterRegression(recipientOf(owner), {
        productName: ctx.config.productName,
        label: passkey.label,
      }),
      ctx.clock(),
    );
}
