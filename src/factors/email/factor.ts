/**
 * The email factor: an 8-digit code sent to the account's address, when an org of the person allows it
 * (org policy `emailCodes`). At sign-in a code counts only for the challenge it was sent for; for
 * re-authentication and turning 2FA off, only a code sent for that purpose. RFC 8176 has no value for an
 * emailed code: a proof gives `otp` (a one-time code) plus the twofold marker `email`, which is kept in the
 * session and the audit log but not reported to apps (they see `otp`, and `mfa` with the password).
 */
import { type CodeProof, type Factor, type MethodDescription, type VerifyRequest, words } from '../factor.ts';
import { spendCode, type CodeBinding } from '../sent-codes.ts';
import { beginEmailSetup, finishEmailSetup, resendEmailSetup, sendEmailProofCode } from './setup.ts';
import { emailFactorOf, noteEmailFactorUsed, removeAllEmailFactors, removeEmailFactor } from './store.ts';

export type EmailProof = CodeProof<'email'>;

function bindingFor({ userId, purpose, challengeId }: VerifyRequest<EmailProof>): CodeBinding | null {
  if (purpose !== 'sign_in') return { purpose: 'reauthenticate', userId, medium: 'email' };
  return challengeId ? { purpose: 'sign_in', userId, challengeId, medium: 'email' } : null;
}

const email: MethodDescription = {
  answer: 'sent_code',
  option: words('common:methodTexts.email.option'),
  policyLabel: words('common:methodTexts.email.policyLabel'),
  title: words('common:methodTexts.email.title'),
  prompt: words('common:methodTexts.email.prompt'),
  label: words('common:methodTexts.email.label'),
  other: words('common:methodTexts.email.other'),
  field: { numeric: true, maxLength: 10 },
};

export const emailFactor = {
  id: 'email',
  methods: ['email'] as const,
  primary: true,
  amr: ['email'],
  describe: {
    name: words('common:factors.email.name'),
    kind: () => words('common:factors.email.kind'),
    setup: { label: words('common:factors.email.setup'), path: '/profile/security/email' },
    methods: { email },
  },
  parseProof: (method, code): EmailProof => ({ method, code }),
  enrol: { begin: beginEmailSetup, resend: resendEmailSetup, finish: finishEmailSetup },
  challenge: sendEmailProofCode,
  async methodsFor(ctx, userId) {
    return (await emailFactorOf(ctx, userId)) ? ['email'] : [];
  },
  async list(ctx, userId) {
    const factor = await emailFactorOf(ctx, userId);
    if (!factor) return [];
    return [
      {
        id: factor.id,
        label: 'Email codes',
        createdAt: factor.createdAt,
        lastUsedAt: factor.lastUsedAt,
        methods: ['email'],
      },
    ];
  },
  async verify(ctx, request) {
    const binding = bindingFor(request);
    if (!binding) return { ok: false, reason: 'invalid' };
    const result = await spendCode(ctx, binding, request.proof.code);
    // A spent code reads as expired: the TOTP hint "wait for the next code" does not apply here.
    if (!result.ok) return { ok: false, reason: result.reason === 'replayed' ? 'expired' : result.reason };
    await noteEmailFactorUsed(ctx, request.userId);
    return { ok: true, amr: ['otp', 'email'], factorId: null };
  },
  remove: removeEmailFactor,
  removeAll: removeAllEmailFactors,
} satisfies Factor<EmailProof>;
