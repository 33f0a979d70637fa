/** The authenticator-app factor (RFC 6238 TOTP, SHA-1, 6 digits, 30 s). */
import type { CodeProof, Factor } from '../factor.ts';
import { beginTotpSetup, finishTotpSetup } from './setup.ts';
import { listTotp, removeAllTotp, removeTotp, renameTotp, verifyTotp } from './store.ts';

export type TotpProof = CodeProof<'totp'>;

export const totpFactor = {
  id: 'totp',
  methods: ['totp'] as const,
  primary: true,
  amr: ['otp'],
  describe: {
    name: 'Authenticator app',
    article: 'An authenticator app',
    kind: () => 'authenticator app',
    setup: { label: 'Set up authenticator app', path: '/profile/security/totp' },
    methods: {
      totp: {
        answer: 'code',
        option: 'Authenticator app code',
        policyLabel: 'Authenticator app',
        title: 'Enter the code from your authenticator app',
        prompt:
          'Open your authenticator app (Google Authenticator, Authy, 1Password, Microsoft Authenticator…) and enter the 6-digit code for this account.',
        label: 'Authentication code',
        other: 'Use your authenticator app',
        field: { numeric: true, maxLength: 10 },
      },
    },
  },
  parseProof: (method, code): TotpProof => ({ method, code }),
  enrol: { begin: beginTotpSetup, finish: finishTotpSetup },
  async methodsFor(ctx, userId) {
    return (await listTotp(ctx, userId)).length > 0 ? ['totp'] : [];
  },
  async list(ctx, userId) {
    return (await listTotp(ctx, userId)).map((f) => ({ ...f, methods: ['totp'] }));
  },
  async verify(ctx, { userId, proof }) {
    return verifyTotp(ctx, userId, proof.code.replace(/\s/g, ''));
  },
  rename: renameTotp,
  remove: removeTotp,
  removeAll: removeAllTotp,
} satisfies Factor<TotpProof>;
