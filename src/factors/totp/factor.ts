/** The authenticator-app factor (RFC 6238 TOTP, SHA-1, 6 digits, 30 s). */
import type { Factor } from '../factor.ts';
import { listTotp, removeAllTotp, removeTotp, renameTotp, verifyTotp } from './store.ts';

export const totpFactor: Factor = {
  name: 'totp',
  primary: true,
  async methodsFor(ctx, userId) {
    return (await listTotp(ctx, userId)).length > 0 ? ['totp'] : [];
  },
  async list(ctx, userId) {
    return (await listTotp(ctx, userId)).map((f) => ({ ...f, type: 'totp', methods: ['totp'] as const }));
  },
  async verify(ctx, userId, method, code) {
    if (method !== 'totp') return null;
    return verifyTotp(ctx, userId, code.replace(/\s/g, ''));
  },
  rename: renameTotp,
  remove: removeTotp,
  removeAll: removeAllTotp,
};
