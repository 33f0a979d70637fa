/**
 * The passkey factor (WebAuthn). As a second step its "code" is the browser's assertion as a JSON
 * string, so the shared second-step checks (challenge counted, account lockout, audit) apply unchanged;
 * the WebAuthn challenge it must answer is the one stored for this user and purpose.
 */
import type { Factor, VerifyPurpose } from '../factor.ts';
import type { WebauthnPurpose } from './store.ts';
import { listPasskeys, removeAllPasskeys, removePasskey, renamePasskey } from './store.ts';
import { verifyAssertion } from './ceremony.ts';

const CEREMONY: Record<VerifyPurpose, WebauthnPurpose> = {
  sign_in: 'sign_in_second_step',
  reauthenticate: 'reauthenticate',
  disable: 'reauthenticate',
};

function parse(code: string): unknown {
  try {
    return JSON.parse(code) as unknown;
  } catch {
    return null;
  }
}

export const passkeyFactor: Factor = {
  name: 'passkey',
  primary: true,
  async methodsFor(ctx, userId) {
    return (await listPasskeys(ctx, userId)).length > 0 ? ['passkey'] : [];
  },
  async list(ctx, userId) {
    return (await listPasskeys(ctx, userId)).map((p) => ({
      id: p.id,
      type: 'passkey',
      label: p.label,
      createdAt: p.createdAt,
      lastUsedAt: p.lastUsedAt,
      methods: ['passkey'] as const,
      passkey: { deviceType: p.deviceType, backedUp: p.backedUp },
    }));
  },
  async verify(ctx, userId, method, code, meta, purpose) {
    if (method !== 'passkey') return null;
    const outcome = await verifyAssertion(ctx, parse(code), { purpose: CEREMONY[purpose], userId }, meta);
    if (outcome.ok) return { ok: true, amr: [outcome.amr], factorId: outcome.passkey.id };
    // Spent or stale ceremonies read as "expired"; everything else as "invalid" (the detail stays out of answers).
    return { ok: false, reason: outcome.reason === 'expired' || outcome.reason === 'replayed' ? 'expired' : 'invalid' };
  },
  rename: async (ctx, userId, factorId, label) => renamePasskey(ctx, userId, factorId, label),
  remove: async (ctx, userId, factorId) => removePasskey(ctx, userId, factorId),
  removeAll: removeAllPasskeys,
};
