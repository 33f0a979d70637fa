/** The org 2FA requirement as it applies to one member: deadlines from stored start times, pure. */
import { describe, expect, it } from 'vitest';
import {
  daysLeft,
  deadlineFor,
  nextRequirementTimes,
  requirementAppliesSince,
  type OrgRequirement,
} from '../../src/core/enforcement.ts';

const DAY_MS = 86_400_000;
const org = (patch: Partial<OrgRequirement>): OrgRequirement => ({
  requirement: 'staff',
  gracePeriodDays: 7,
  staffRequiredSince: '2026-11-01T00:00:00.000Z',
  everyoneRequiredSince: null,
  ...patch,
});

describe('2FA requirement for one member', () => {
  it('staff scope covers owners, admins and staff, not clients; off covers nobody', () => {
    for (const role of ['owner', 'admin', 'staff'] as const) {
      expect(
        requirementAppliesSince(org({}), { role, scopeChangedAt: '2026-10-01T00:00:00.000Z' })?.toISOString(),
      ).toBe('2026-11-01T00:00:00.000Z');
    }
    expect(requirementAppliesSince(org({}), { role: 'client', scopeChangedAt: '2026-10-01T00:00:00.000Z' })).toBeNull();
    expect(
      requirementAppliesSince(org({ requirement: 'off' }), {
        role: 'owner',
        scopeChangedAt: '2026-10-01T00:00:00.000Z',
      }),
    ).toBeNull();
  });

  it('everyone covers clients from when everyone was required; staff keep their earlier start', () => {
    const both = org({ requirement: 'everyone', everyoneRequiredSince: '2026-11-10T00:00:00.000Z' });
    expect(
      requirementAppliesSince(both, { role: 'client', scopeChangedAt: '2026-01-01T00:00:00.000Z' })?.toISOString(),
    ).toBe('2026-11-10T00:00:00.000Z');
    expect(
      requirementAppliesSince(both, { role: 'staff', scopeChangedAt: '2026-01-01T00:00:00.000Z' })?.toISOString(),
    ).toBe('2026-11-01T00:00:00.000Z');
  });

  it('a member who joins (or moves into scope) later gets a full grace period from then', () => {
    const deadline = deadlineFor(org({}), { role: 'staff', scopeChangedAt: '2026-11-20T12:00:00.000Z' });
    expect(deadline?.toISOString()).toBe('2026-11-27T12:00:00.000Z');
  });

  it('a grace edit moves every deadline at once (computed, never stored), also a long one', () => {
    const member = { role: 'staff' as const, scopeChangedAt: '2026-10-01T00:00:00.000Z' };
    expect(deadlineFor(org({ gracePeriodDays: 0 }), member)?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(deadlineFor(org({ gracePeriodDays: 30 }), member)?.getTime()).toBe(
      Date.parse('2026-11-01T00:00:00.000Z') + 30 * DAY_MS,
    );
  });

  it('policy changes keep start times while the scope still covers them and set them when it begins', () => {
    const now = new Date('2026-11-25T00:00:00.000Z');
    const previous = { staffRequiredSince: '2026-11-01T00:00:00.000Z', everyoneRequiredSince: null };
    expect(nextRequirementTimes(previous, 'everyone', now)).toEqual({
      staffRequiredSince: '2026-11-01T00:00:00.000Z',
      everyoneRequiredSince: '2026-11-25T00:00:00.000Z',
    });
    expect(nextRequirementTimes(previous, 'off', now)).toEqual({
      staffRequiredSince: null,
      everyoneRequiredSince: null,
    });
    expect(nextRequirementTimes({ staffRequiredSince: null, everyoneRequiredSince: null }, 'staff', now)).toEqual({
      staffRequiredSince: '2026-11-25T00:00:00.000Z',
      everyoneRequiredSince: null,
    });
  });

  it('days left round up and stop at zero', () => {
    const now = new Date('2026-11-25T00:00:00.000Z');
    expect(daysLeft(new Date(now.getTime() + DAY_MS + 1), now)).toBe(2);
    expect(daysLeft(new Date(now.getTime() + DAY_MS), now)).toBe(1);
    expect(daysLeft(new Date(now.getTime() - DAY_MS), now)).toBe(0);
  });
});
