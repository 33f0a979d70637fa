/** The factor registry: method names, the proof union and the schema enums all come from FACTORS. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CODE_METHODS,
  describeMethod,
  ENROLLABLE_METHODS,
  factorById,
  factorOf,
  FACTORS,
  methodsGiving,
  proofFrom,
  SECOND_FACTOR_METHODS,
  type Proof,
  type SecondFactorMethod,
} from '../../src/factors/index.ts';
import type { TotpProof } from '../../src/factors/totp/factor.ts';
import type { PasskeyProof } from '../../src/factors/passkey/factor.ts';
import type { PhoneProof } from '../../src/factors/phone/factor.ts';
import type { BackupCodeProof } from '../../src/factors/backup-codes/factor.ts';
import type { EmailProof } from '../../src/factors/email/factor.ts';

describe('factor registry', () => {
  it('derives the method type and the method lists from what each factor declares', () => {
    expectTypeOf<SecondFactorMethod>().toEqualTypeOf<'totp' | 'passkey' | 'sms' | 'voice' | 'email' | 'backup_code'>();
    expectTypeOf<Proof>().toEqualTypeOf<TotpProof | PasskeyProof | PhoneProof | EmailProof | BackupCodeProof>();
    expectTypeOf<PasskeyProof>().toEqualTypeOf<{ readonly method: 'passkey'; readonly response: unknown }>();
    expect(SECOND_FACTOR_METHODS).toEqual(FACTORS.flatMap((f) => [...f.methods]));
    expect(SECOND_FACTOR_METHODS).toEqual(['totp', 'passkey', 'sms', 'voice', 'email', 'backup_code']);
    // The code form of the second step takes every method but the one answered in the browser.
    expect(CODE_METHODS).toEqual(SECOND_FACTOR_METHODS.filter((m) => describeMethod(m).answer !== 'passkey'));
    expect(CODE_METHODS).toEqual(['totp', 'sms', 'voice', 'email', 'backup_code']);
    // An org policy chooses among the methods of the factors a person enrols, never backup codes.
    expect(ENROLLABLE_METHODS).toEqual(FACTORS.filter((f) => f.primary).flatMap((f) => [...f.methods]));
    expect(ENROLLABLE_METHODS).toEqual(['totp', 'passkey', 'sms', 'voice', 'email']);
  });

  it('gives each method to exactly one factor, which describes it', () => {
    for (const method of SECOND_FACTOR_METHODS) {
      expect(FACTORS.filter((f) => (f.methods as readonly string[]).includes(method))).toHaveLength(1);
      expect(factorOf(method).describe.methods).toHaveProperty(method);
    }
    for (const factor of FACTORS) {
      expect(Object.keys(factor.describe.methods).sort()).toEqual([...factor.methods].sort());
      expect(factorById(factor.id)).toBe(factor);
    }
    expect(new Set(FACTORS.map((f) => f.id)).size).toBe(FACTORS.length);
    expect(factorById('no-such-factor')).toBeNull();
  });

  it('reads a proof as forms and the JSON API carry it: a passkey assertion as an object, never a string', () => {
    expect(proofFrom('totp', '123456')).toEqual({ method: 'totp', code: '123456' });
    expect(proofFrom('voice', '12345678')).toEqual({ method: 'voice', code: '12345678' });
    expect(proofFrom('backup_code', 'abcd-efgh')).toEqual({ method: 'backup_code', code: 'abcd-efgh' });
    expect(proofFrom('passkey', '{"id":"x","type":"public-key"}')).toEqual({
      method: 'passkey',
      response: { id: 'x', type: 'public-key' },
    });
    expect(proofFrom('passkey', 'not json')).toEqual({ method: 'passkey', response: null });
    expect(proofFrom('email', '12345678')).toEqual({ method: 'email', code: '12345678' });
    expect(proofFrom('letter', '123456')).toBeNull();
    expect(proofFrom(undefined, '123456')).toBeNull();
  });

  it('names the methods of the factor that stood in for the password (not offered again at the second step)', () => {
    expect(methodsGiving('hwk')).toEqual(['passkey']);
    expect(methodsGiving('swk')).toEqual(['passkey']);
    expect(methodsGiving('pwd')).toEqual([]);
  });
});
