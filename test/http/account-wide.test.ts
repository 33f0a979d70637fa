/**
 * Account-wide actions an org admin can take on a member (2FA reset, ending every session on removal) are
 * allowed only to someone who may manage that person in every org they belong to: the admin of one org
 * cannot wipe the 2FA of the owner of another.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { addMember } from '../../src/orgs/store.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const PASSWORD = 'quiet-meadow-copper-81';
const BRAVO = { id: 'org-bravo', name: 'Bravo Dental', createdAt: '' };

describe.each(DIALECTS)('account-wide actions need authority in every org (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let acmeId: string;
  let ownerId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId: acmeId, ownerId } = await setUpOwner(t));
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

  /** A member of `org` with a signed-in, re-authenticated client. */
  async function member(
    email: string,
    org: { id: string; name: string; createdAt: string },
    role: 'owner' | 'admin' | 'staff' | 'client',
  ) {
    const user = await createMember(t.ctx, OPERATOR, { org: org, email, role, password: PASSWORD });
    const client = new Client(t.app);
    expect((await client.post('/api/v1/sign-in', { email, password: PASSWORD })).json().status).toBe('signed_in');
    expect((await client.post('/api/v1/me/reauthenticate', { password: PASSWORD })).statusCode).toBe(200);
    return { userId: user.id, client };
  }

  it("an admin of one org cannot reset the 2FA of another org's owner (API and page); someone who manages the person everywhere can", async () => {
    // The Acme owner has an authenticator app and is also staff at Bravo.
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    await addMember(t.ctx, BRAVO.id, ownerId, 'staff');
    const bravoAdmin = await member('admin@bravo.test', BRAVO, 'admin');

    const refused = await bravoAdmin.client.post(`/api/v1/orgs/${BRAVO.id}/members/${ownerId}/reset-two-factor`, {
      reason: 'lost phone',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('member_of_other_org');
    expect(refused.json().error.message).toContain('whole account');
    // The HTML form calls the same flow and says why.
    const page = await bravoAdmin.client.submitForm(
      `/orgs/${BRAVO.id}/members/${ownerId}/reset`,
      `/orgs/${BRAVO.id}/members/${ownerId}/reset`,
      { reason: 'lost phone' },
    );
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('also belongs to an organization where you can');
    // Nothing was reset: the owner's next sign-in still asks for the second step, and no reset was audited.
    const signIn = await new Client(t.app).post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(signIn.json().status).toBe('second_factor_required');
    expect(
      await t.ctx.db.kysely.selectFrom('audit_events').select('id').where('event', '=', 'two_factor.reset').execute(),
    ).toHaveLength(0);

    // A member only of Bravo is Bravo's admin's to reset.
    const staff = await member('hygienist@bravo.test', BRAVO, 'staff');
    await enrolTotp(t, staff.client, PASSWORD);
    expect(
      (
        await bravoAdmin.client.post(`/api/v1/orgs/${BRAVO.id}/members/${staff.userId}/reset-two-factor`, {
          reason: 'new phone',
        })
      ).statusCode,
    ).toBe(200);

    // A member of both orgs, managed by one person in both: allowed.
    const both = await member('both@acme.test', { id: acmeId, name: OWNER.orgName, createdAt: '' }, 'staff');
    await enrolTotp(t, both.client, PASSWORD);
    await addMember(t.ctx, BRAVO.id, both.userId, 'client');
    expect(
      (await bravoAdmin.client.post(`/api/v1/orgs/${BRAVO.id}/members/${both.userId}/reset-two-factor`, {})).json()
        .error.code,
    ).toBe('member_of_other_org');
    await t.ctx.db.kysely
      .updateTable('memberships')
      .set({ role: 'owner' })
      .where('org_id', '=', BRAVO.id)
      .where('user_id', '=', ownerId)
      .execute();
    expect(
      (
        await owner.post('/api/v1/me/reauthenticate', {
          password: OWNER.password,
          method: 'totp',
          code: codeAt(secret, t.clock.now()),
        })
      ).statusCode,
    ).toBe(200);
    expect((await owner.post(`/api/v1/orgs/${BRAVO.id}/members/${both.userId}/reset-two-factor`, {})).statusCode).toBe(
      200,
    );
  });

  it("removing a member who belongs to another org ends only this org's access, not their other sessions", async () => {
    const bravoAdmin = await member('admin@bravo.test', BRAVO, 'admin');
    // Acme staff who is also a Bravo client.
    const shared = await member('shared@acme.test', { id: acmeId, name: OWNER.orgName, createdAt: '' }, 'staff');
    await addMember(t.ctx, BRAVO.id, shared.userId, 'client');
    expect((await bravoAdmin.client.delete(`/api/v1/orgs/${BRAVO.id}/members/${shared.userId}`)).statusCode).toBe(204);
    // Still signed in (Acme is not Bravo's to end), but no longer a Bravo member.
    expect((await shared.client.get('/api/v1/session')).statusCode).toBe(200);
    expect((await shared.client.get(`/api/v1/orgs/${BRAVO.id}/policy`)).statusCode).toBe(404);

    // A member only of Bravo is signed out everywhere on removal.
    const only = await member('only@bravo.test', BRAVO, 'staff');
    expect((await bravoAdmin.client.delete(`/api/v1/orgs/${BRAVO.id}/members/${only.userId}`)).statusCode).toBe(204);
    expect((await only.client.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('suspension: signed out everywhere, no sign-in, API key or app tokens until reactivated; account-wide authority needed', async () => {
    const acme = { id: acmeId, name: OWNER.orgName, createdAt: '' };
    const nurse = await member('nurse@acme.test', acme, 'staff');
    const key = (await nurse.client.post('/api/v1/me/api-keys', { name: 'script', scope: 'read' })).json()
      .key as string;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } }))
        .statusCode,
    ).toBe(200);
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);

    const suspended = await owner.post(`/api/v1/orgs/${acmeId}/members/${nurse.userId}/suspend`, {
      reason: 'left the clinic',
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json()).toEqual({ status: 'suspended', changed: true });
    expect((await nurse.client.get('/api/v1/session')).statusCode).toBe(401);
    // The right password is answered with the suspension; a wrong one as ever.
    const signIn = await new Client(t.app).post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD });
    expect(signIn.statusCode).toBe(403);
    expect(signIn.json().error.code).toBe('account_suspended');
    expect(
      (
        await new Client(t.app).post('/api/v1/sign-in', {
          email: 'nurse@acme.test',
          password: 'wrong-password-entirely',
        })
      ).json().error.code,
    ).toBe('invalid_credentials');
    const keyUse = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(keyUse.statusCode).toBe(403);
    expect(keyUse.json().error.code).toBe('account_suspended');
    const members = (await owner.get(`/api/v1/orgs/${acmeId}/members`)).json().members as Array<{
      userId: string;
      suspended: boolean;
    }>;
    expect(members.find((m) => m.userId === nurse.userId)?.suspended).toBe(true);
    const audit = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('event', '=', 'account.suspended')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: ownerId, target_user_id: nurse.userId, org_id: acmeId });
    expect(
      await t.ctx.db.kysely
        .selectFrom('mail_outbox')
        .select('subject')
        .where('recipient', '=', 'nurse@acme.test')
        .where('subject', 'like', 'Your account was suspended%')
        .execute(),
    ).toHaveLength(1);

    // Bravo's admin may not lift it (or suspend Acme's owner): both are account-wide.
    const bravoAdmin = await member('admin@bravo.test', BRAVO, 'admin');
    await addMember(t.ctx, BRAVO.id, nurse.userId, 'client');
    expect(
      (await bravoAdmin.client.post(`/api/v1/orgs/${BRAVO.id}/members/${nurse.userId}/reactivate`, {})).json().error
        .code,
    ).toBe('member_of_other_org');
    await addMember(t.ctx, BRAVO.id, ownerId, 'staff');
    expect(
      (await bravoAdmin.client.post(`/api/v1/orgs/${BRAVO.id}/members/${ownerId}/suspend`, {})).json().error.code,
    ).toBe('member_of_other_org');

    // The member page's form runs the same flow: refused while the nurse is also Bravo's, allowed after.
    const refusedPage = await owner.submitForm(
      `/orgs/${acmeId}/members/${nurse.userId}/suspension`,
      `/orgs/${acmeId}/members/${nurse.userId}/suspension`,
      { reason: 'back at work' },
    );
    expect(refusedPage.statusCode).toBe(403);
    expect(refusedPage.body).toContain('also belongs to an organization where you can');
    await t.ctx.db.kysely
      .deleteFrom('memberships')
      .where('org_id', '=', BRAVO.id)
      .where('user_id', '=', nurse.userId)
      .execute();
    const page = await owner.submitForm(
      `/orgs/${acmeId}/members/${nurse.userId}/suspension`,
      `/orgs/${acmeId}/members/${nurse.userId}/suspension`,
      { reason: 'back at work' },
    );
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/orgs/${acmeId}/members?done=reactivated`);
    expect(
      (await new Client(t.app).post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD })).json().status,
    ).toBe('signed_in');
  });
});
