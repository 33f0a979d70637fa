import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, OWNER, setUpOwner, subjectsTo, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { type Org } from '../../src/orgs/service.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import type { Role } from '../../src/db/schema.ts';

const DAY = 86_400;
/** Each member signs in from its own address, so per-IP limits stay out of the way. */
let nextIp = 0;
const PASSWORD = 'quiet-meadow-copper-81';

/** Routes a member must still reach while enrolment is overdue. */
const ENROLMENT_ROUTES = new Set([
  'get /api/v1/session',
  'delete /api/v1/session',
  'post /api/v1/me/reauthenticate',
  'get /api/v1/me/factors',
  'post /api/v1/me/factors/totp',
  'post /api/v1/me/factors/totp/confirm',
  'post /api/v1/me/factors/passkey/options',
  'post /api/v1/me/factors/passkey',
  'post /api/v1/me/factors/phone',
  'post /api/v1/me/factors/phone/confirm',
  'post /api/v1/me/factors/phone/resend',
  'post /api/v1/me/factors/email',
  'post /api/v1/me/factors/email/confirm',
]);
/** Routes that take no session at all. */
const PUBLIC_ROUTES = new Set([
  'get /healthz',
  'get /readyz',
  'get /api/v1/setup',
  'post /api/v1/setup',
  'post /api/v1/sign-in',
  'post /api/v1/sign-in/verify',
  'post /api/v1/password-reset',
  'post /api/v1/password-reset/confirm',
  'post /api/v1/invitations/accept',
  'post /api/v1/email-verification/confirm',
  'post /api/v1/sign-in/passkey/options',
  'post /api/v1/sign-in/passkey',
  'post /api/v1/sign-in/send',
  'post /api/v1/recovery',
  // The reverse proxy's check: it judges the app's cookie, not a twofold session (enforcement applies there).
  'get /api/v1/forward-auth',
  'post /api/v1/recovery/confirm',
  'post /api/v1/recovery/cancel',
]);

describe.each(DIALECTS)('org 2FA enforcement, admin reset and API keys (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let org: Org;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId } = await setUpOwner(t));
    org = { id: orgId, name: OWNER.orgName, createdAt: '' };
  });
  afterEach(async () => {
    await t.close();
  });

  async function member(email: string, role: Role): Promise<{ client: Client; userId: string }> {
    const user = await createMember(t.ctx, OPERATOR, { org: org, email, role, password: PASSWORD });
    nextIp += 1;
    const client = new Client(t.app, `10.1.${Math.floor(nextIp / 250)}.${nextIp % 250}`);
    return { client, userId: user.id };
  }

  async function signIn(
    client: Client,
    email: string,
  ): Promise<{ status: string; twoFactorRequirement?: { daysLeft: number; overdue: boolean } }> {
    const r = await client.post('/api/v1/sign-in', { email, password: PASSWORD });
    expect(r.statusCode).toBe(200);
    return r.json();
  }

  async function setPolicy(body: Record<string, unknown>) {
    const r = await owner.patch(`/api/v1/orgs/${orgId}/policy`, body);
    expect(r.statusCode).toBe(200);
    return r.json();
  }

  it('grace: day 6 shows days left and everything works; day 8 only enrolment (every other route 403); enrolment restores access with a new token', async () => {
    const { client } = await member('staff@acme.test', 'staff');
    const set = await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 7 });
    expect(set.affectedMembers).toBe(2); // the owner and the staff member have no 2FA yet
    t.clock.advanceSeconds(6 * DAY);
    const day6 = await signIn(client, 'staff@acme.test');
    expect(day6.status).toBe('signed_in');
    expect(day6.twoFactorRequirement).toMatchObject({ daysLeft: 1, overdue: false });
    expect((await client.get('/api/v1/me/sessions')).statusCode).toBe(200);

    t.clock.advanceSeconds(2 * DAY);
    const day8 = await signIn(client, 'staff@acme.test');
    expect(day8.status).toBe('enrollment_required');
    const doc = (await client.get('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    let walked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const key = `${method} ${path}`;
        if (ENROLMENT_ROUTES.has(key) || PUBLIC_ROUTES.has(key)) continue;
        const url = path.replace(/\{orgId\}/g, orgId).replace(/\{[A-Za-z]+\}/g, 'x');
        const r = await client.request(
          method.toUpperCase() as 'GET',
          url,
          method === 'get' || method === 'delete' ? undefined : {},
        );
        expect([key, r.statusCode, r.json().error?.code]).toEqual([key, 403, 'two_factor_enrollment_required']);
        walked += 1;
      }
    }
    expect(walked).toBeGreaterThan(15);
    const before = client.cookie('tf_session');
    const { secret } = await enrolTotp(t, client, PASSWORD);
    expect(secret).toBeTruthy();
    expect(client.cookie('tf_session')).not.toBe(before);
    expect((await client.get('/api/v1/me/sessions')).statusCode).toBe(200);
  });

  it('editing the grace period applies at once, also to members who postponed', async () => {
    const { client } = await member('late@acme.test', 'staff');
    await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 7 });
    t.clock.advanceSeconds(2 * DAY);
    expect((await signIn(client, 'late@acme.test')).status).toBe('signed_in');
    // The owner must keep access to shorten the grace: give the owner 2FA first.
    await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    await owner.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 0 });
    const blocked = await client.get('/api/v1/me/sessions');
    expect(blocked.json().error.code).toBe('two_factor_enrollment_required');
    await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 30 });
    expect((await client.get('/api/v1/me/sessions')).statusCode).toBe(200);
    // A long grace is honoured.
    t.clock.advanceSeconds(20 * DAY);
    expect((await signIn(client, 'late@acme.test')).status).toBe('signed_in');
    expect((await client.get('/api/v1/me/audit')).statusCode).toBe(200);
  });

  it('scope: "staff" leaves clients alone, "everyone" covers them; a role change into scope starts a deadline then', async () => {
    const { client } = await member('patient@acme.test', 'client');
    const { userId } = await member('helper@acme.test', 'client');
    await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 0 });
    expect((await signIn(client, 'patient@acme.test')).status).toBe('signed_in');
    t.clock.advanceSeconds(3 * DAY);
    await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    await owner.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 7 });
    expect((await owner.patch(`/api/v1/orgs/${orgId}/members/${userId}`, { role: 'staff' })).statusCode).toBe(200);
    const members = (await owner.get(`/api/v1/orgs/${orgId}/members`)).json().members as Array<{
      email: string;
      deadline: string | null;
      overdue: boolean;
    }>;
    const promoted = members.find((m) => m.email === 'helper@acme.test')!;
    expect(Date.parse(promoted.deadline!) - t.clock.now().getTime()).toBeGreaterThan(6.9 * DAY * 1000);
    expect(members.find((m) => m.email === 'patient@acme.test')!.deadline).toBeNull();
    await setPolicy({ requireTwoFactor: 'everyone', gracePeriodDays: 0 });
    expect((await signIn(client, 'patient@acme.test')).status).toBe('enrollment_required');
    expect((await client.get('/api/v1/me/sessions')).json().error.code).toBe('two_factor_enrollment_required');
  });

  it("the strictest policy of all the member's orgs wins", async () => {
    const { client, userId } = await member('both@acme.test', 'staff');
    const now = t.clock.now().toISOString();
    await t.ctx.db.kysely
      .insertInto('orgs')
      .values({
        id: 'org2',
        name: 'Second Org',
        created_at: now,
        staff_required_since: now,
        everyone_required_since: now,
        require_two_factor: 'everyone',
        grace_period_days: 0,
      })
      .execute();
    await t.ctx.db.kysely
      .insertInto('memberships')
      .values({ org_id: 'org2', user_id: userId, role: 'client', created_at: now, role_changed_at: now })
      .execute();
    await setPolicy({ requireTwoFactor: 'off', gracePeriodDays: 7 });
    t.clock.advanceSeconds(60);
    expect((await signIn(client, 'both@acme.test')).status).toBe('enrollment_required');
  });

  it('admin reset: permissions matrix, sessions die at once, email and audit row; the member re-enrols at next sign-in', async () => {
    const admin = await member('admin@acme.test', 'admin');
    const staff = await member('staff2@acme.test', 'staff');
    const client = await member('client2@acme.test', 'client');
    const owner2 = await member('owner2@acme.test', 'owner');
    await signIn(admin.client, 'admin@acme.test');
    await signIn(staff.client, 'staff2@acme.test');
    const staffSecret = (await enrolTotp(t, staff.client, PASSWORD)).secret;
    expect(staffSecret).toBeTruthy();
    const reset = (c: Client, target: string) =>
      c.post(`/api/v1/orgs/${orgId}/members/${target}/reset-two-factor`, { reason: 'lost phone' });
    const ownerId = (await owner.get('/api/v1/session')).json().user.id;
    expect((await reset(admin.client, owner2.userId)).statusCode).toBe(403); // admins cannot reset owners
    expect((await reset(admin.client, admin.userId)).statusCode).toBe(403); // nobody resets themselves here
    expect((await reset(owner, ownerId)).statusCode).toBe(403);
    await signIn(client.client, 'client2@acme.test');
    expect((await reset(client.client, staff.userId)).statusCode).toBe(403); // clients and staff cannot
    expect((await reset(admin.client, client.userId)).statusCode).toBe(200);
    expect((await reset(owner, owner2.userId)).statusCode).toBe(200);
    const r = await reset(admin.client, staff.userId);
    expect(r.statusCode).toBe(200);
    expect((await staff.client.get('/api/v1/session')).statusCode).toBe(401);
    expect(await subjectsTo(t, 'staff2@acme.test')).toContainEqual(expect.stringContaining('was reset'));
    const rows = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('event', '=', 'two_factor.reset')
      .where('target_user_id', '=', staff.userId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_user_id: admin.userId, org_id: orgId });
    expect(JSON.parse(rows[0]!.details).reason).toBe('lost phone');
    expect((await signIn(staff.client, 'staff2@acme.test')).status).toBe('signed_in'); // no second step left
  });

  it('an API key works while its owner is locked out by enforcement; a revoked key is refused; the key never reaches the logs', async () => {
    const created = await owner.post('/api/v1/me/api-keys', { name: 'billing sync', scope: 'read' });
    expect(created.statusCode).toBe(201);
    const key = created.json().key as string;
    expect(key).toMatch(/^tf_[0-9A-Za-z]{36}$/);
    const orgKeyResponse = await owner.post(`/api/v1/orgs/${orgId}/api-keys`, { name: 'directory', scope: 'read' });
    const orgKey = orgKeyResponse.json().key as string;
    await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 0 });
    t.clock.advanceSeconds(60);
    expect((await owner.get('/api/v1/me/sessions')).json().error.code).toBe('two_factor_enrollment_required');
    const machine = new Client(t.app, '10.9.9.9');
    const bearer = (k: string, url: string, method: 'GET' | 'POST' = 'GET') =>
      machine.request(method, url, method === 'POST' ? {} : undefined, { authorization: `Bearer ${k}`, origin: '' });
    expect((await bearer(key, '/api/v1/me/sessions')).statusCode).toBe(200);
    expect((await bearer(orgKey, `/api/v1/orgs/${orgId}/members`)).statusCode).toBe(200);
    expect((await bearer(orgKey, '/api/v1/me/sessions')).statusCode).toBe(403); // an org key stays in its org
    expect((await bearer(key, '/api/v1/me/sessions/revoke-all', 'POST')).statusCode).toBe(403); // read-only
    expect((await bearer(key, '/api/v1/me/api-keys', 'POST')).statusCode).toBe(403);
    const keyId = created.json().apiKey.id;
    await t.ctx.db.kysely
      .updateTable('api_keys')
      .set({ revoked_at: t.clock.now().toISOString() })
      .where('id', '=', keyId)
      .execute();
    expect((await bearer(key, '/api/v1/me/sessions')).statusCode).toBe(401);
    const rows = await t.ctx.db.kysely.selectFrom('api_keys').select('key_hash').execute();
    expect(rows.every((r) => r.key_hash !== key)).toBe(true);
    const everything =
      t.logs.join('\n') + JSON.stringify(await t.ctx.db.kysely.selectFrom('audit_events').selectAll().execute());
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(orgKey);
  });

  it('guessing API keys is throttled per client', async () => {
    const machine = new Client(t.app, '10.7.7.7');
    const statuses: number[] = [];
    for (let i = 0; i < 25; i += 1) {
      statuses.push(
        (
          await machine.request('GET', '/api/v1/me/sessions', undefined, {
            authorization: `Bearer tf_${'a'.repeat(36)}`,
            origin: '',
          })
        ).statusCode,
      );
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });

  it('"email everyone without 2FA" sends the heads-up with a deadline', async () => {
    await member('nudge@acme.test', 'staff');
    await setPolicy({ requireTwoFactor: 'staff', gracePeriodDays: 7 });
    const r = await owner.post(`/api/v1/orgs/${orgId}/notify-without-2fa`);
    expect(r.json().notified).toBe(2);
    const mail = await lastEmailTo(t, 'nudge@acme.test');
    expect(mail.subject).toContain('asks you to turn on two-factor authentication');
    expect(mail.text).toContain('http://localhost:3000/profile/security');
    const compliance = (await owner.get(`/api/v1/orgs/${orgId}/compliance`)).json();
    expect(compliance.adoption).toHaveLength(30);
    expect(compliance.members.find((m: { email: string }) => m.email === 'nudge@acme.test').deadline).not.toBeNull();
  });
});
