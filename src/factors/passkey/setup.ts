/**
 * Adding a passkey: registration options for the browser under a name the person chose, then the browser's
 * attestation verified and the passkey stored with the flow's bookkeeping (2FA on, backup codes), in one
 * transaction.
 */
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { inTransaction, type Ctx } from '../../context.ts';
import type { RequestMeta } from '../../audit/store.ts';
import { AppError } from '../../errors.ts';
import type { Enrolled, Enrollee, FactorAdded, MethodPolicy } from '../factor.ts';
import { amrOf, registrationOptions, verifyRegistration } from './ceremony.ts';
import { insertPasskey } from './store.ts';

const DEFAULT_LABEL = 'Passkey';

export async function beginPasskeySetup(
  ctx: Ctx,
  who: Enrollee,
  input: { label: string },
  _meta: RequestMeta,
  policy: MethodPolicy,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await policy.assertAllowed('passkey');
  const label = input.label.trim();
  if (!label)
    throw new AppError('invalid_request', { key: 'errors:messages.passkey.nameMissing', details: { field: 'label' } });
  const models = await policy.allowedAuthenticators();
  return registrationOptions(ctx, who, label, models ? 'direct' : 'none');
}

/** The AAGUID an authenticator gives when it does not say what it is (attestation `none`). */
const UNNAMED_AAGUID = '00000000-0000-0000-0000-000000000000';

/** Verifies the browser's attestation and stores the passkey; the first factor turns 2FA on. */
export async function finishPasskeySetup(
  ctx: Ctx,
  who: Enrollee,
  input: { response: unknown },
  added: FactorAdded,
  _meta: RequestMeta,
  policy: MethodPolicy,
): Promise<Enrolled> {
  const result = await verifyRegistration(ctx, who.id, input.response, DEFAULT_LABEL);
  if (!result.ok) {
    if (result.reason === 'expired') throw new AppError('not_found', { key: 'errors:messages.passkey.setupExpired' });
    if (result.reason === 'duplicate') throw new AppError('conflict', { key: 'errors:messages.passkey.duplicate' });
    throw new AppError('invalid_request', {
      key: 'errors:messages.passkey.notVerified',
      details: { field: 'response' },
    });
  }
  // The org's list of authenticator models, checked here on the server: an authenticator that does not say
  // what it is (no attestation: a zero AAGUID) cannot be on the list.
  const models = await policy.allowedAuthenticators();
  // The model is believed only from a verified attestation statement: under 'none' an AAGUID is the browser's word.
  const aaguid = result.format === 'none' ? UNNAMED_AAGUID : result.credential.aaguid.toLowerCase();
  if (models && (aaguid === UNNAMED_AAGUID || !models.includes(aaguid))) {
    throw new AppError('authenticator_not_allowed', {
      key: aaguid === UNNAMED_AAGUID ? 'errors:messages.passkey.unnamedModel' : 'errors:messages.passkey.modelRefused',
    });
  }
  // The passkey, 2FA on and the backup codes: one transaction (all or nothing).
  const stored = await inTransaction(ctx, async (tx) => {
    const passkey = await insertPasskey(tx, result.credential);
    return passkey ? { passkey, backupCodes: await added(tx, { label: passkey.label }) } : null;
  });
  if (!stored) throw new AppError('conflict', { key: 'errors:messages.passkey.duplicate' });
  const { passkey, backupCodes } = stored;
  return {
    factor: { id: passkey.id, type: 'passkey', label: passkey.label, createdAt: passkey.createdAt },
    amr: [amrOf(passkey.deviceType)],
    backupCodes,
    changed: false,
  };
}
