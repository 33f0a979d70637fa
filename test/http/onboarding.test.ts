import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

describe.each(DIALECTS)("the owner's onboarding checklist (%s)", (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId } = await setUpOwner(t));
  });
  afterEach(async () => {
    await t.close();
  });

  const steps = async () => {
    const body = (await owner.get('/api/v1/me/onboarding')).json();
    return body.onboarding ? Object.fromEntries(body.onboarding.steps.map((s: any) => [s.key, s.done])) : null;
  };

  it('ticks each step from what is true, and goes away once all are done', async () => {
    expect(await steps()).toEqual({ secure: false, invite: false, policy: false });
    const profile = await owner.get('/profile');
    expect(profile.body).toContain('Get Acme Clinic started');
    await enrolTotp(t, owner, OWNER.password);
    expect(await steps()).toEqual({ secure: true, invite: false, policy: false });
    const invited = await owner.post(`/api/v1/orgs/${orgId}/invitations`, { email: 'nurse@acme.test', role: 'staff' });
    expect(invited.statusCode).toBeLessThan(300);
    expect(await steps()).toEqual({ secure: true, invite: true, policy: false });
    // Choosing the policy counts even when it stays "off" (a choice made).
    const policy = await owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'off', gracePeriodDays: 7 });
    expect(policy.statusCode).toBe(200);
    expect(await steps()).toBeNull();
    expect((await owner.get('/profile')).body).not.toContain('Get Acme Clinic started');
  });

  it('is only for owners, and once hidden stays hidden (page and JSON)', async () => {
    const hide = await owner.submitForm('/profile', '/onboarding/dismiss', { next: '/profile' });
    expect(hide.statusCode).toBe(303);
    expect(hide.headers.location).toBe('/profile');
    expect(await steps()).toBeNull();
    const again = new Client(t.app);
    await again.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect((await again.get('/profile')).body).not.toContain('Get Acme Clinic started');
    expect((await again.get(`/orgs/${orgId}/members`)).body).not.toContain('Get Acme Clinic started');
    const row = await t.ctx.db.kysely
      .selectFrom('users')
      .select('onboarding_dismissed_at')
      .where('email', '=', OWNER.email)
      .executeTakeFirstOrThrow();
    expect(row.onboarding_dismissed_at).not.toBeNull();
    expect((await owner.post('/api/v1/me/onboarding/dismiss')).json()).toEqual({ onboarding: null });
    // A member who is not an owner never sees it.
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'clerk@acme.test',
      role: 'admin',
      password: 'quiet-meadow-copper-81',
    });
    const admin = new Client(t.app);
    await admin.post('/api/v1/sign-in', { email: 'clerk@acme.test', password: 'quiet-meadow-copper-81' });
    expect((await admin.get('/api/v1/me/onboarding')).json()).toEqual({ onboarding: null });
  });
});
