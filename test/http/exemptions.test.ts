import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, subjectsTo, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import { membersWithDeadlines } from '../../src/orgs/compliance.ts';
import { appAccess } from '../../src/oidc/access.ts';
import type { Role } from '../../src/db/schema.ts';

const DAY = 86_400;
const PASSWORD = 'quiet-meadow-copper-81';
let nextIp = 0;

describe.each(DIALECTS)('2FA exemptions, break-glass and extended deadlines (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let ownerId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId, ownerId } = await setUpOwner(t));
  });
  afterEach(async () => {
    await t.close();
  });

  async function member(email: string, role: Role): Promise<{ client: Client; userId: string }> {
    const org = { id: orgId, name: OWNER.orgName, createdAt: '' };
    const user = await createMember(t.ctx, OPERATOR, { org, email, role, password: PASSWORD });
    nextIp += 1;
    return { client: new Client(t.app, `10.3.${Math.floor(nextIp / 250)}.${nextIp % 250}`), userId: user.id };
  }

  async function signIn(client: Client, email: string) {
    const r = await client.post('/api/v1/sign-in', { email, password: PASSWORD });
    expect(r.statusCode).toBe(200);
    return r.json() as { status: string; twoFactorRequirement?: { daysLeft: number; overdue: boolean } };
  }

  const inDays = (days: number): string => new Date(t.clock.now().getTime() + days * DAY * 1000).toISOString();
  const exempt = (as: Client, userId: string, body: Record<string, unknown>) =>
    as.request('PUT', `/api/v1/orgs/${orgId}/members/${userId}/exemption`, body);

  async function requireStaff(gracePeriodDays = 7) {
    const r = await owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays });
    expect(r.statusCode).toBe(200);
  }

  async function events(name: string) {
    return t.ctx.db.kysely.selectFrom('audit_events').selectAll().where('event', '=', name).execute();
  }

  it('an exempt member signs in without 2FA until the exemption ends by itself, then only enrolment is open (sign-in, sessions, apps)', async () => {
    const { client, userId } = await member('nurse@acme.test', 'staff');
    await requireStaff(7);
    const granted = await exempt(owner, userId, { reason: 'Phone lost abroad', expiresAt: inDays(30) });
    expect(granted.statusCode).toBe(200);
    expect(granted.json().exemption).toMatchObject({ reason: 'Phone lost abroad', breakGlass: false });
    expect(await events('exemption.granted')).toHaveLength(1);
    // Emailed to the member and every owner.
    expect(await subjectsTo(t, 'nurse@acme.test')).toContainEqual(expect.stringContaining('2FA exemption'));
    expect(await subjectsTo(t, OWNER.email)).toContainEqual(expect.stringContaining('2FA exemption'));

    t.clock.advanceSeconds(20 * DAY); // well past the 7-day grace
    const during = await signIn(client, 'nurse@acme.test');
    expect(during.status).toBe('signed_in');
    expect(during.twoFactorRequirement).toBeUndefined();
    expect((await client.get('/api/v1/me/sessions')).statusCode).toBe(200);
    expect(await appAccess(t.ctx, userId, orgId)).toMatchObject({ allowed: true });
    const listed = (await membersWithDeadlines(t.ctx, orgId)).find((m) => m.userId === userId)!;
    expect(listed.exemption).toMatchObject({ active: true, reason: 'Phone lost abroad' });
    expect(listed.deadline).toBeNull();

    t.clock.advanceSeconds(11 * DAY); // the exemption has ended
    expect(await appAccess(t.ctx, userId, orgId)).toEqual({ allowed: false, reason: 'enrollment_required' });
    const later = new Client(t.app, '10.3.255.1');
    expect((await signIn(later, 'nurse@acme.test')).status).toBe('enrollment_required');
    expect((await later.get('/api/v1/me/sessions')).json().error.code).toBe('two_factor_enrollment_required');
    const ended = (await membersWithDeadlines(t.ctx, orgId)).find((m) => m.userId === userId)!;
    expect(ended.exemption).toMatchObject({ active: false });
    expect(ended.overdue).toBe(true);
    // Shown as ended; the expiry itself writes no second audit row (it was recorded with the grant).
    expect(await events('exemption.ended')).toHaveLength(0);
  });

  it('an admin may exempt members they manage, never an owner, nor designate break-glass; nobody exempts themselves', async () => {
    const { client: admin, userId: adminId } = await member('admin@acme.test', 'admin');
    const { userId: staffId } = await member('staff@acme.test', 'staff');
    const { userId: owner2Id } = await member('owner2@acme.test', 'owner');
    await signIn(admin, 'admin@acme.test');
    const onOwner = await exempt(admin, owner2Id, { reason: 'travel', expiresAt: inDays(5) });
    expect(onOwner.statusCode).toBe(403);
    expect(onOwner.json().error.code).toBe('forbidden');
    const ownerDeadline = await admin.request('PUT', `/api/v1/orgs/${orgId}/members/${owner2Id}/deadline`, {
      deadline: inDays(5),
    });
    expect(ownerDeadline.json().error.code).toBe('forbidden');
    const glass = await exempt(admin, staffId, { reason: 'break glass', breakGlass: true });
    expect(glass.json().error.code).toBe('forbidden');
    const self = await exempt(admin, adminId, { reason: 'me', expiresAt: inDays(5) });
    expect(self.json().error.code).toBe('forbidden');
    expect((await exempt(owner, ownerId, { reason: 'me', expiresAt: inDays(5) })).json().error.code).toBe('forbidden');
    const ok = await exempt(admin, staffId, { reason: 'travel', expiresAt: inDays(5) });
    expect(ok.statusCode).toBe(200);
    // A staff member is not a manager at all.
    const { client: staff } = await member('staff2@acme.test', 'staff');
    await signIn(staff, 'staff2@acme.test');
    expect((await exempt(staff, staffId, { reason: 'x', expiresAt: inDays(5) })).statusCode).toBe(403);
    expect(await events('exemption.granted')).toHaveLength(1);
    // The exemption goes with the membership: removed and added again, the member has none.
    expect((await owner.delete(`/api/v1/orgs/${orgId}/members/${staffId}`)).statusCode).toBeLessThan(300);
    const left = await t.ctx.db.kysely.selectFrom('member_policy_overrides').selectAll().execute();
    expect(left).toEqual([]);
  });

  it('refuses exemptions over 90 days with exemption_too_long, past or missing ends, and asks for sudo', async () => {
    const { userId } = await member('staff@acme.test', 'staff');
    const long = await exempt(owner, userId, { reason: 'sabbatical', expiresAt: inDays(91) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatchObject({ code: 'exemption_too_long', field: 'expiresAt' });
    expect((await exempt(owner, userId, { reason: 'x', expiresAt: inDays(-1) })).json().error.code).toBe(
      'invalid_request',
    );
    expect((await exempt(owner, userId, { reason: 'x' })).json().error).toMatchObject({
      code: 'invalid_request',
      field: 'expiresAt',
    });
    expect((await exempt(owner, userId, { reason: 'x', expiresAt: 'soon' })).json().error.code).toBe('invalid_request');
    expect((await exempt(owner, userId, { reason: '   ', expiresAt: inDays(3) })).json().error.code).toBe(
      'invalid_request',
    );
    expect((await exempt(owner, userId, { reason: 'quarter', expiresAt: inDays(90) })).statusCode).toBe(200);
    t.clock.advanceSeconds(11 * 60);
    const stale = await exempt(owner, userId, { reason: 'again', expiresAt: inDays(10) });
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('reauthentication_required');
    expect((await owner.request('DELETE', `/api/v1/orgs/${orgId}/members/${userId}/exemption`)).statusCode).toBe(403);
    expect(await events('exemption.granted')).toHaveLength(1);
  });

  it('break-glass: one account per org, owner only, no expiry; ending it is audited and frees the slot', async () => {
    const { client: glass, userId: glassId } = await member('glass@acme.test', 'owner');
    const { userId: otherId } = await member('other@acme.test', 'staff');
    await requireStaff(7);
    const designated = await exempt(owner, glassId, { reason: 'Sealed envelope in the safe', breakGlass: true });
    expect(designated.statusCode).toBe(200);
    expect(designated.json().exemption).toEqual({
      reason: 'Sealed envelope in the safe',
      expiresAt: null,
      breakGlass: true,
    });
    const second = await exempt(owner, otherId, { reason: 'another', breakGlass: true });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('break_glass_taken');
    expect((await exempt(owner, glassId, { reason: 'x', breakGlass: true, expiresAt: inDays(3) })).statusCode).toBe(
      400,
    );
    // Two owners designating two accounts at once: the unique index lets one through.
    const { userId: thirdId } = await member('third@acme.test', 'staff');
    await owner.request('DELETE', `/api/v1/orgs/${orgId}/members/${glassId}/exemption`);
    const race = await Promise.all([
      exempt(owner, otherId, { reason: 'a', breakGlass: true }),
      exempt(owner, thirdId, { reason: 'b', breakGlass: true }),
    ]);
    expect(race.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = race[0]!.statusCode === 200 ? otherId : thirdId;
    expect((await owner.request('DELETE', `/api/v1/orgs/${orgId}/members/${winner}/exemption`)).json()).toEqual({
      changed: true,
    });
    expect((await owner.request('DELETE', `/api/v1/orgs/${orgId}/members/${winner}/exemption`)).json()).toEqual({
      changed: false,
    });
    expect(await events('exemption.ended')).toHaveLength(2);

    expect((await exempt(owner, glassId, { reason: 'Sealed envelope', breakGlass: true })).statusCode).toBe(200);
    t.clock.advanceSeconds(400 * DAY);
    expect((await signIn(glass, 'glass@acme.test')).status).toBe('signed_in');
    const listed = await membersWithDeadlines(t.ctx, orgId);
    expect(listed.find((m) => m.userId === glassId)!.exemption).toMatchObject({ breakGlass: true, active: true });
    expect(listed.find((m) => m.userId === otherId)!.overdue).toBe(true);
  });

  it('an extended deadline delays enforcement for that member only, up to the longest grace period from now', async () => {
    const { client, userId } = await member('late@acme.test', 'staff');
    const { client: peer } = await member('peer@acme.test', 'staff');
    await requireStaff(7);
    const tooLate = await owner.request('PUT', `/api/v1/orgs/${orgId}/members/${userId}/deadline`, {
      deadline: inDays(31),
    });
    expect(tooLate.statusCode).toBe(400);
    expect(tooLate.json().error).toMatchObject({ code: 'deadline_too_late', field: 'deadline' });
    const extended = await owner.request('PUT', `/api/v1/orgs/${orgId}/members/${userId}/deadline`, {
      deadline: inDays(20),
    });
    expect(extended.statusCode).toBe(200);
    expect(await events('deadline.extended')).toHaveLength(1);
    expect(await subjectsTo(t, 'late@acme.test')).toContainEqual(expect.stringContaining('deadline'));

    t.clock.advanceSeconds(10 * DAY);
    expect((await signIn(peer, 'peer@acme.test')).status).toBe('enrollment_required');
    const day10 = await signIn(client, 'late@acme.test');
    expect(day10.status).toBe('signed_in');
    expect(day10.twoFactorRequirement).toMatchObject({ daysLeft: 10, overdue: false });
    expect((await membersWithDeadlines(t.ctx, orgId)).find((m) => m.userId === userId)!.extendedDeadline).toBeTruthy();
    t.clock.advanceSeconds(11 * DAY);
    expect((await signIn(new Client(t.app, '10.3.255.2'), 'late@acme.test')).status).toBe('enrollment_required');
  });

  it('pages: the compliance view offers "Exempt…" and "Extend deadline…", and shows the exemption after "Confirm it\'s you" resumes it', async () => {
    const { userId } = await member('staff@acme.test', 'staff');
    await requireStaff(7);
    const list = await owner.get(`/orgs/${orgId}/compliance`);
    expect(list.body).toContain(`/orgs/${orgId}/members/${userId}/exemption`);
    expect(list.body).toContain(`/orgs/${orgId}/members/${userId}/deadline`);
    t.clock.advanceSeconds(11 * 60);
    await owner.get('/api/v1/session');
    const until = inDays(14).slice(0, 10);
    const ask = await owner.submitForm(
      `/orgs/${orgId}/members/${userId}/exemption`,
      `/orgs/${orgId}/members/${userId}/exemption`,
      { reason: 'Waiting for a security key', expiresOn: until },
    );
    expect(ask.statusCode).toBe(403);
    expect(ask.body).toContain('Confirm it');
    const hidden = Object.fromEntries(
      [...ask.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
      ]),
    );
    const done = await owner.postForm('/profile/security/reauthenticate', { ...hidden, password: OWNER.password });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/orgs/${orgId}/compliance?done=exempted`);
    const shown = await owner.get(`/orgs/${orgId}/compliance`);
    expect(shown.body).toContain(`exempt until ${until}`);

    const tooLong = await owner.submitForm(
      `/orgs/${orgId}/members/${userId}/exemption`,
      `/orgs/${orgId}/members/${userId}/exemption`,
      { reason: 'Long', expiresOn: inDays(120).slice(0, 10) },
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('at most 90 days');

    const glass = await owner.submitForm(
      `/orgs/${orgId}/members/${userId}/exemption`,
      `/orgs/${orgId}/members/${userId}/exemption`,
      { reason: 'Envelope', breakGlass: '1' },
    );
    expect(glass.statusCode).toBe(303);
    expect((await owner.get(`/orgs/${orgId}/compliance`)).body).toContain('Break-glass account:');

    const extended = await owner.submitForm(
      `/orgs/${orgId}/members/${userId}/deadline`,
      `/orgs/${orgId}/members/${userId}/deadline`,
      { deadline: inDays(10).slice(0, 10) },
    );
    expect(extended.statusCode).toBe(303);
    const ended = await owner.submitForm(
      `/orgs/${orgId}/members/${userId}/exemption`,
      `/orgs/${orgId}/members/${userId}/exemption/end`,
      {},
    );
    expect(ended.statusCode).toBe(303);
    const final = await owner.get(`/orgs/${orgId}/compliance`);
    expect(final.body).not.toContain('Break-glass account:');
    expect(final.body).toContain('deadline extended to');
  });
});
