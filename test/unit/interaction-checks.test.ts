/** The OpenID Connect interaction's ordered checks, without HTTP: each check decides, in order. */
import { describe, expect, it } from 'vitest';
import { decideInteraction, INTERACTION_CHECKS, type InteractionState } from '../../src/oidc/interaction-checks.ts';
import type { CurrentSession } from '../../src/sessions/service.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');

function session(overrides: Partial<CurrentSession> = {}): CurrentSession {
  return {
    id: 's1',
    userId: 'u1',
    kind: 'full',
    amr: ['pwd', 'otp', 'mfa'],
    remember: false,
    createdAt: '2026-11-25T11:50:00.000Z',
    lastSeenAt: '2026-11-25T11:59:00.000Z',
    absoluteExpiresAt: '2026-11-25T23:50:00.000Z',
    idleExpiresAt: '2026-11-25T12:29:00.000Z',
    reauthenticatedAt: null,
    steppedUpAt: null,
    ip: '127.0.0.1',
    userAgent: '',
    user: { id: 'u1', email: 'u1@acme.test', name: '', twoFactorEnabled: true, locale: null, timeZone: null },
    enrollmentRequired: false,
    ...overrides,
  };
}

function state(overrides: Partial<InteractionState> = {}): InteractionState {
  return {
    prompt: 'login',
    reasons: [],
    params: {},
    providerAccountId: 'u1',
    session: session(),
    access: { allowed: true, role: 'staff' },
    startedAt: undefined,
    now: NOW,
    ...overrides,
  };
}

/** A JWT-shaped hint whose payload names `sub` (the provider checked its signature before). */
const hint = (sub: string): string => `e30.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.sig`;

describe('OpenID Connect interaction checks', () => {
  it('run in the documented order', () => {
    expect(INTERACTION_CHECKS.map((c) => c.name)).toEqual([
      'signed in',
      'same account as the request',
      'member',
      'not suspended',
      'hinted account',
      'enrolled',
      'fresh proof',
      'two factors',
      'consent',
    ]);
  });

  it('all passing signs the person in; without a session they sign in first', () => {
    expect(decideInteraction(state())).toEqual({ check: null, outcome: 'signed_in' });
    expect(decideInteraction(state({ session: null, access: null })).outcome).toBe('sign_in');
  });

  it('membership, suspension and enrolment are checked at consent as at sign-in', () => {
    for (const prompt of ['login', 'consent']) {
      expect(decideInteraction(state({ prompt, access: { allowed: false, reason: 'not_member' } })).outcome).toBe(
        'not_member',
      );
      expect(decideInteraction(state({ prompt, access: { allowed: false, reason: 'suspended' } })).outcome).toBe(
        'suspended',
      );
      expect(
        decideInteraction(state({ prompt, access: { allowed: false, reason: 'enrollment_required' } })).outcome,
      ).toBe('enrol_required_by_org');
    }
    expect(decideInteraction(state({ prompt: 'consent' })).outcome).toBe('consent');
  });

  it('consent for another account than the provider session asks to sign in; a hint for another account is said so', () => {
    expect(decideInteraction(state({ prompt: 'consent', providerAccountId: 'u2' })).outcome).toBe('sign_in');
    expect(decideInteraction(state({ params: { id_token_hint: hint('u2') } })).outcome).toBe('other_account');
    expect(decideInteraction(state({ params: { id_token_hint: hint('u1') } })).outcome).toBe('signed_in');
    expect(decideInteraction(state({ params: { id_token_hint: 'not a token' } })).outcome).toBe('signed_in');
  });

  it('prompt=login and max_age ask for a fresh proof when the last one is older than the request', () => {
    const startedAt = '2026-11-25T11:59:30.000Z';
    expect(decideInteraction(state({ startedAt, reasons: ['login_prompt'] })).outcome).toBe('confirm_it_is_you');
    expect(
      decideInteraction(
        state({
          startedAt,
          reasons: ['login_prompt'],
          session: session({ reauthenticatedAt: '2026-11-25T11:59:45.000Z' }),
        }),
      ).outcome,
    ).toBe('signed_in');
    expect(decideInteraction(state({ startedAt, params: { max_age: 60 } })).outcome).toBe('confirm_it_is_you');
    expect(decideInteraction(state({ startedAt, params: { max_age: 3600 } })).outcome).toBe('signed_in');
  });

  it('aal2 asks for the second factor, or for enrolment when the person has none', () => {
    const aal2 = { acr_values: 'urn:twofold:aal2' };
    expect(decideInteraction(state({ params: aal2 })).outcome).toBe('signed_in');
    expect(decideInteraction(state({ params: aal2, session: session({ amr: ['pwd'] }) })).outcome).toBe(
      'second_factor',
    );
    expect(
      decideInteraction(
        state({
          params: aal2,
          session: session({
            amr: ['pwd'],
            user: { id: 'u1', email: 'u1@acme.test', name: '', twoFactorEnabled: false, locale: null, timeZone: null },
          }),
        }),
      ).outcome,
    ).toBe('enrol_for_two_factors');
  });

  it('an email-code sign-in is not two factors for an app; with email codes only, another method is offered', () => {
    const aal2 = { acr_values: 'urn:twofold:aal2' };
    const byEmail = session({ amr: ['pwd', 'otp', 'email', 'mfa'] });
    expect(decideInteraction(state({ params: aal2, session: byEmail })).outcome).toBe('second_factor');
    expect(decideInteraction(state({ params: aal2, session: byEmail, hasAal2Factor: false })).outcome).toBe(
      'enrol_for_two_factors',
    );
    expect(decideInteraction(state({ session: byEmail })).outcome).toBe('signed_in');
  });
});
