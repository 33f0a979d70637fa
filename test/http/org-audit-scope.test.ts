/**
 * An org's audit log shows events of its own scope only: events tagged with the org, and a member's
 * account-level events (sign-ins with IP and browser, factors added…) only from the time they joined —
 * never their history from before, nor what they did in another org. Same for the JSON log and the page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { addMember } from '../../src/orgs/store.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const PASSWORD = 'quiet-meadow-copper-81';
const BRAVO = { id: 'org-bravo', name: 'Bravo Dental', createdAt: '' };

describe.each(DIALECTS)("an org's audit log is its own (%s)", (dialect) => {
  let t: TestApp;
  let owner: Client;
  let acmeId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId: acmeId } = await setUpOwner(t));
    await t.ctx.db.kysely
      .insertInto('orgs')
      .values({
        id: BRAVO.id,
        name: BRAVO.name,
        created_at: t.clock.now().toISOString(),
        staff_required_since: null,
        everyone_required_since: null,
      })
      .execute();
  });
  afterEach(async () => {
    await t.close();
  });

  it("a member's sign-ins and factors from before they joined stay out of the new org's log", async () => {
    const bravoOwner = await createMember(t.ctx, OPERATOR, {
      org: BRAVO,
      email: 'owner@bravo.test',
      role: 'owner',
      password: PASSWORD,
    });
    // A long-time Acme member with history: sign-ins from a recognisable address, an authenticator app.
    const nurse = await createMember(t.ctx, OPERATOR, {
      org: { id: acmeId, name: OWNER.orgName, createdAt: '' },
      email: 'nurse@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
    const before = new Client(t.app, '203.0.113.77');
    expect((await before.post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD })).json().status).toBe(
      'signed_in',
    );
    await enrolTotp(t, before, PASSWORD);
    t.clock.advanceSeconds(3600);
    // Joins Bravo, then signs in again from elsewhere.
    await addMember(t.ctx, BRAVO.id, nurse.id, 'client');
    t.clock.advanceSeconds(60);
    const after = new Client(t.app, '198.51.100.9');
    expect((await after.post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD })).json().status).toBe(
      'second_factor_required',
    );
    await after.post('/api/v1/sign-in', { email: 'nurse@acme.test', password: 'not-the-password-at-all' });

    const bravo = new Client(t.app);
    expect((await bravo.post('/api/v1/sign-in', { email: 'owner@bravo.test', password: PASSWORD })).json().status).toBe(
      'signed_in',
    );
    const listed = await bravo.get(`/api/v1/orgs/${BRAVO.id}/audit?userId=${nurse.id}`);
    expect(listed.statusCode, listed.body).toBe(200);
    const events = listed.json().events as Array<{ event: string; ip: string; at: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.map((e) => e.ip)).not.toContain('203.0.113.77');
    expect(events.map((e) => e.event)).not.toContain('factor.added');
    expect(events.map((e) => e.event)).toContain('sign_in.failed');
    const all = (await bravo.get(`/api/v1/orgs/${BRAVO.id}/audit`)).json().events as Array<{
      ip: string;
      targetUserId: string | null;
    }>;
    expect(all.map((e) => e.ip)).not.toContain('203.0.113.77');
    expect(all.some((e) => e.targetUserId === bravoOwner.id)).toBe(true);
    // The page reads the same log.
    const page = await bravo.get(`/orgs/${BRAVO.id}/audit`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('198.51.100.9');
    expect(page.body).not.toContain('203.0.113.77');
    // Acme, where the nurse has been all along, still sees the whole history.
    expect((await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status).toBe(
      'signed_in',
    );
    const acme = (await owner.get(`/api/v1/orgs/${acmeId}/audit?userId=${nurse.id}`)).json().events as Array<{
      ip: string;
      event: string;
    }>;
    expect(acme.map((e) => e.ip)).toContain('203.0.113.77');
    expect(acme.map((e) => e.event)).toContain('factor.added');
  });
});
