/**
 * The phone factor: codes by text message ('sms') or phone call ('voice') to a verified number. At
 * sign-in a code counts only for the challenge it was sent for; for re-authentication and turning 2FA
 * off, only a code sent for that purpose (RFC 8176 amr: 'sms' or 'tel').
 */
import type { Factor, VerifyContext, VerifyPurpose } from '../factor.ts';
import type { CodeBinding } from './codes.ts';
import { spendCode } from './codes.ts';
import { listPhones, notePhoneUsed, removeAllPhones, removePhone } from './store.ts';

function bindingFor(userId: string, purpose: VerifyPurpose, context: VerifyContext | undefined): CodeBinding | null {
  if (purpose !== 'sign_in') return { purpose: 'reauthenticate', userId };
  return context?.challengeId ? { purpose: 'sign_in', userId, challengeId: context.challengeId } : null;
}

export const phoneFactor: Factor = {
  name: 'phone',
  primary: true,
  async methodsFor(ctx, userId) {
    const phones = await listPhones(ctx, userId);
    if (phones.length === 0) return [];
    return phones[phones.length - 1]!.channel === 'voice' ? ['voice', 'sms'] : ['sms', 'voice'];
  },
  async list(ctx, userId) {
    return (await listPhones(ctx, userId)).map((p) => ({
      id: p.id,
      type: 'phone',
      label: p.label,
      createdAt: p.createdAt,
      lastUsedAt: p.lastUsedAt,
      methods: p.channel === 'voice' ? (['voice', 'sms'] as const) : (['sms', 'voice'] as const),
    }));
  },
  async verify(ctx, userId, method, code, _meta, purpose, context) {
    if (method !== 'sms' && method !== 'voice') return null;
    const binding = bindingFor(userId, purpose, context);
    if (!binding) return { ok: false, reason: 'invalid' };
    const result = await spendCode(ctx, binding, code);
    // A spent code reads as expired: the TOTP hint "wait for the next code" does not apply here.
    if (!result.ok) return { ok: false, reason: result.reason === 'replayed' ? 'expired' : result.reason };
    if (result.phoneFactorId) await notePhoneUsed(ctx, result.phoneFactorId);
    return { ok: true, amr: [result.channel === 'voice' ? 'tel' : 'sms'], factorId: result.phoneFactorId };
  },
  remove: removePhone,
  removeAll: removeAllPhones,
};
