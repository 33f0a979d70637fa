import { describe, expect, it } from 'vitest';
import { meetsAal2 } from '../../src/core/assurance-level.ts';
import { ACR, acrOf } from '../../src/oidc/assurance.ts';

describe('two factors for apps and proxies (AAL2)', () => {
  it('a second factor of the person counts; an emailed code does not', () => {
    expect(meetsAal2(['pwd', 'otp', 'mfa'])).toBe(true);
    expect(meetsAal2(['pwd', 'hwk', 'mfa'])).toBe(true);
    expect(meetsAal2(['pwd', 'otp', 'email', 'mfa'])).toBe(false);
    expect(meetsAal2(['pwd', 'email'])).toBe(false);
    expect(meetsAal2(['pwd'])).toBe(false);
  });
  it('apps are told aal1 for an email-code sign-in', () => {
    expect(acrOf(['pwd', 'otp', 'mfa'])).toBe(ACR.aal2);
    expect(acrOf(['pwd', 'otp', 'email', 'mfa'])).toBe(ACR.aal1);
  });
});
