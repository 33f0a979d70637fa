/** The authenticator-app factor (RFC 6238 TOTP, SHA-1, 6 digits, 30 s). */
import { type CodeProof, type Factor, words } from '../factor.ts';
import { beginTotpSetup, finishTotpSetup } from './setup.ts';
import { listTotp, removeAllTotp, removeTotp, renameTotp, verifyTotp } from './store.ts';

export type TotpProof = CodeProof<'totp'>;

export const totpFactor = {
  id: 'totp',
  methods: ['totp'] as const,
  primary: true,
  amr: ['otp'],
  describe: {
    name: words('common:factors.totp.name'),
    kind: () => words('common:factors.totp.kind'),
    setup: { label: words('common:factors.totp.setup'), path: '/profile/security/totp' },
    methods: {
      totp: {
        answer: 'code',
        option: words('common:methodTexts.totp.option'),
        policyLabel: words('common:methodTexts.totp.policyLabel'),
        title: words('common:methodTexts.totp.title'),
        prompt: words('common:methodTexts.totp.prompt'),
        label: words('common:methodTexts.totp.label'),
        other: words('common:methodTexts.totp.other'),
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
