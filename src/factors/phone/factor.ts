/**
 * The phone factor: codes by text message ('sms') or phone call ('voice') to a verified number. At
 * sign-in a code counts only for the challenge it was sent for; for re-authentication and turning 2FA
 * off, only a code sent for that purpose (RFC 8176 amr: 'sms' or 'tel').
 */
import { type CodeProof, type Factor, type MethodDescription, type VerifyRequest, words } from '../factor.ts';
import type { CodeBinding } from '../sent-codes.ts';
import { spendCode } from '../sent-codes.ts';
import { beginPhoneSetup, finishPhoneSetup, resendPhoneSetup, sendProofCode } from './setup.ts';
import { listPhones, notePhoneUsed, removeAllPhones, removePhone } from './store.ts';

export type PhoneProof = CodeProof<'sms' | 'voice'>;

function bindingFor({ userId, purpose, challengeId }: VerifyRequest<PhoneProof>): CodeBinding | null {
  if (purpose !== 'sign_in') return { purpose: 'reauthenticate', userId };
  return challengeId ? { purpose: 'sign_in', userId, challengeId } : null;
}

const field = { numeric: true, maxLength: 10 };

const sms: MethodDescription = {
  answer: 'sent_code',
  option: words('common:methodTexts.sms.option'),
  policyLabel: words('common:methodTexts.sms.policyLabel'),
  title: words('common:methodTexts.sms.title'),
  prompt: words('common:methodTexts.sms.prompt'),
  label: words('common:methodTexts.sms.label'),
  other: words('common:methodTexts.sms.other'),
  field,
};

const voice: MethodDescription = {
  answer: 'sent_code',
  option: words('common:methodTexts.voice.option'),
  policyLabel: words('common:methodTexts.voice.policyLabel'),
  title: words('common:methodTexts.voice.title'),
  prompt: words('common:methodTexts.voice.prompt'),
  label: words('common:methodTexts.voice.label'),
  other: words('common:methodTexts.voice.other'),
  field,
};

export const phoneFactor = {
  id: 'phone',
  methods: ['sms', 'voice'] as const,
  primary: true,
  amr: ['sms', 'tel'],
  describe: {
    name: words('common:factors.phone.name'),
    kind: () => words('common:factors.phone.kind'),
    setup: { label: words('common:factors.phone.setup'), path: '/profile/security/phone' },
    change: {
      label: words('common:factors.phone.change'),
      path: (id: string) => `/profile/security/phone?replace=${id}`,
    },
    methods: { sms, voice },
  },
  parseProof: (method, code): PhoneProof => ({ method, code }),
  enrol: { begin: beginPhoneSetup, resend: resendPhoneSetup, finish: finishPhoneSetup },
  challenge: sendProofCode,
  async methodsFor(ctx, userId) {
    const phones = await listPhones(ctx, userId);
    if (phones.length === 0) return [];
    return phones[phones.length - 1]!.channel === 'voice' ? ['voice', 'sms'] : ['sms', 'voice'];
  },
  async list(ctx, userId) {
    return (await listPhones(ctx, userId)).map((p) => ({
      id: p.id,
      label: p.label,
      createdAt: p.createdAt,
      lastUsedAt: p.lastUsedAt,
      methods: p.channel === 'voice' ? ['voice', 'sms'] : ['sms', 'voice'],
    }));
  },
  async verify(ctx, request) {
    const binding = bindingFor(request);
    if (!binding) return { ok: false, reason: 'invalid' };
    const result = await spendCode(ctx, binding, request.proof.code);
    // A spent code reads as expired: the TOTP hint "wait for the next code" does not apply here.
    if (!result.ok) return { ok: false, reason: result.reason === 'replayed' ? 'expired' : result.reason };
    if (result.phoneFactorId) await notePhoneUsed(ctx, result.phoneFactorId);
    return { ok: true, amr: [result.channel === 'voice' ? 'tel' : 'sms'], factorId: result.phoneFactorId };
  },
  remove: removePhone,
  removeAll: removeAllPhones,
} satisfies Factor<PhoneProof>;
