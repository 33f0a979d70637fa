/**
 * The passkey factor (WebAuthn). Its proof is the browser's assertion; the WebAuthn challenge it must answer
 * is the one stored for this person and purpose, so an assertion for one purpose cannot serve another.
 */
import { type AssertionProof, type Factor, type VerifyPurpose, words } from '../factor.ts';
import type { WebauthnPurpose } from './store.ts';
import { listPasskeys, removeAllPasskeys, removePasskey, renamePasskey } from './store.ts';
import { authenticationOptions, verifyAssertion } from './ceremony.ts';
import { beginPasskeySetup, finishPasskeySetup } from './setup.ts';

export type PasskeyProof = AssertionProof<'passkey'>;

const CEREMONY: Record<VerifyPurpose, WebauthnPurpose> = {
  sign_in: 'sign_in_second_step',
  reauthenticate: 'reauthenticate',
  disable: 'reauthenticate',
};

const OPTIONS_FOR: Record<'sign_in' | 'passwordless' | 'reauthenticate', WebauthnPurpose> = {
  sign_in: 'sign_in_second_step',
  passwordless: 'passwordless',
  reauthenticate: 'reauthenticate',
};

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export const passkeyFactor = {
  id: 'passkey',
  methods: ['passkey'] as const,
  primary: true,
  amr: ['hwk', 'swk'],
  describe: {
    name: words('common:factors.passkey.name'),
    /** "Synced passkey" or "Passkey on one device" — from the credential's device type (backup eligibility). */
    kind(entry) {
      if (!entry.passkey) return words('common:factors.passkey.kind');
      if (entry.passkey.deviceType === 'multiDevice')
        return words(
          entry.passkey.backedUp ? 'common:factors.passkey.kindSynced' : 'common:factors.passkey.kindSyncedNotBackedUp',
        );
      return words('common:factors.passkey.kindDevice');
    },
    setup: { label: words('common:factors.passkey.setup'), path: '/profile/security/passkey' },
    methods: {
      passkey: {
        answer: 'passkey',
        option: words('common:methodTexts.passkey.option'),
        policyLabel: words('common:methodTexts.passkey.policyLabel'),
        title: words('common:methodTexts.passkey.title'),
        prompt: words('common:methodTexts.passkey.prompt'),
        label: words('common:methodTexts.passkey.label'),
        other: words('common:methodTexts.passkey.other'),
      },
    },
  },
  parseProof: (method, text): PasskeyProof => ({ method, response: parse(text) }),
  enrol: { begin: beginPasskeySetup, finish: finishPasskeySetup },
  /** Request options: the person's passkeys when known, any discoverable one for a passwordless sign-in. */
  async challenge(ctx, request, _meta) {
    return authenticationOptions(ctx, { userId: request.userId, purpose: OPTIONS_FOR[request.purpose] });
  },
  async methodsFor(ctx, userId) {
    return (await listPasskeys(ctx, userId)).length > 0 ? ['passkey'] : [];
  },
  async list(ctx, userId) {
    return (await listPasskeys(ctx, userId)).map((p) => ({
      id: p.id,
      label: p.label,
      createdAt: p.createdAt,
      lastUsedAt: p.lastUsedAt,
      methods: ['passkey'],
      passkey: { deviceType: p.deviceType, backedUp: p.backedUp },
    }));
  },
  async verify(ctx, { userId, proof, purpose }, meta) {
    const outcome = await verifyAssertion(ctx, proof.response, { purpose: CEREMONY[purpose], userId }, meta);
    if (outcome.ok) return { ok: true, amr: [outcome.amr], factorId: outcome.passkey.id };
    // Spent or stale ceremonies read as "expired"; everything else as "invalid" (the detail stays out of answers).
    return { ok: false, reason: outcome.reason === 'expired' || outcome.reason === 'replayed' ? 'expired' : 'invalid' };
  },
  rename: renamePasskey,
  remove: removePasskey,
  removeAll: removeAllPasskeys,
} satisfies Factor<PasskeyProof>;
