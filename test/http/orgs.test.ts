/**
 * Organizations over HTTP (docs/product.md "People and roles", "Passwords and sessions", "Audit"):
 * invitations are single use, expire after 7 days, can be revoked and are stored hashed; the roles matrix
 * (owner > admin > staff/client) holds on every member route; the last owner stays; removed members are
 * signed out; every change is audited with who, whom, where and from what; and the password rules of
 * NIST SP 800-63B hold over the API (length in characters, no truncation, NFKC, blocklist with a reason).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { TOKENS } from '../../src/config/defaults.ts';
import { sha256Hex } from '../../src/crypto/index.ts';
import { Client, createTestApp, lastEmailTo, OWNER, tokenFromLink, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const MEMBER_PASSWORD = 'orchard-velvet-comet-4411';
const UA = 'OrgsSuite/1.0 (audit check)';

interface AuditApiRow {
  id: string;
  event: string;
  actorUserId: string | null;
  targetUserId: string | null;
  orgId: string | null;
}

describe.each(DIALECTS)('organizations, roles and invitations (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let ownerId: string;
  let ipSeq = 0;

  const nextIp = (): string => `198.51.100.${(ipSeq += 1)}`;

  beforeEach(async () => {
    ipSeq = 0;
    t = await createTestApp(dialect);
    owner = new Client(t.app, '192.0.2.1');
    const setUp = await owner.request('POST', '/api/v1/setup', OWNER, { 'user-agent': UA });
    expect(setUp.statusCode).toBe(201);
    orgId = setUp.json().org.id;
    ownerId = setUp.json().user.id;
    // Each Client is a new browser: the new-device check has its own tests (device-check.test.ts).
    await t.ctx.db.kysely.updateTable('orgs').set({ new_device_check: 'off' }).execute();
  });
  afterEach(async () => {
    await t.close();
  });

  async function invite(
    inviter: Client,
    email: string,
    role: string,
  ): Promise<{ response: LightMyRequestResponse; token: string }> {
    const response = await inviter.request(
      'POST',
      `/api/v1/orgs/${orgId}/invitations`,
      { email, role },
      { 'user-agent': UA },
    );
    const token =
      response.statusCode === 201 ? tokenFromLink((await lastEmailTo(t, email)).text, '/invitations/accept') : '';
    return { response, token };
  }

  function accept(token: string, password: string, ip = nextIp()): Promise<LightMyRequestResponse> {
    return new Client(t.app, ip).request(
      'POST',
      '/api/v1/invitations/accept',
      { token, password },
      { 'user-agent': UA },
    );
  }

  async function signIn(email: string, password = MEMBER_PASSWORD): Promise<Client> {
    const client = new Client(t.app, nextIp());
    const response = await client.post('/api/v1/sign-in', { email, password });
    expect(response.statusCode, response.body).toBe(200);
    return client;
  }

  /** Invites and accepts, then signs the new member in. */
  async function join(email: string, role: string): Promise<{ client: Client; userId: string }> {
    const { response, token } = await invite(owner, email, role);
    expect(response.statusCode, response.body).toBe(201);
    const accepted = await accept(token, MEMBER_PASSWORD);
    expect(accepted.statusCode, accepted.body).toBe(200);
    return { client: await signIn(email), userId: accepted.json().user.id };
  }

  async function roleOf(userId: string): Promise<string | undefined> {
    const row = await t.ctx.db.kysely
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  function expectError(response: LightMyRequestResponse, status: number, code: string): void {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
  }

  describe('invitations', () => {
    it('an invitation works once: a second accept is 400 invalid_token', async () => {
      const { token } = await invite(owner, 'once@acme.test', 'staff');
      expect((await accept(token, MEMBER_PASSWORD)).statusCode).toBe(200);
      expectError(await accept(token, MEMBER_PASSWORD), 400, 'invalid_token');
      expectError(await accept(token, 'a-different-password-77'), 400, 'invalid_token');
    });

    it('parallel accepts of one invitation let exactly one through', async () => {
      const { token } = await invite(owner, 'race@acme.test', 'staff');
      const responses = await Promise.all(Array.from({ length: 8 }, () => accept(token, MEMBER_PASSWORD)));
      expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
      for (const r of responses.filter((r) => r.statusCode !== 200)) expect(r.statusCode).toBeLessThan(500);
      const users = await t.ctx.db.kysely
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'race@acme.test')
        .execute();
      expect(users).toHaveLength(1);
    });

    it('an invitation expires after 7 days', async () => {
      const early = await invite(owner, 'early@acme.test', 'staff');
      const late = await invite(owner, 'late@acme.test', 'staff');
      t.clock.advanceSeconds(TOKENS.invitationSeconds - 60);
      expect((await accept(early.token, MEMBER_PASSWORD)).statusCode).toBe(200);
      t.clock.advanceSeconds(61);
      expectError(await accept(late.token, MEMBER_PASSWORD), 400, 'invalid_token');
      // Seven days is past the owner's idle timeout: sign in again to look at the list.
      const list = await (await signIn(OWNER.email, OWNER.password)).get(`/api/v1/orgs/${orgId}/invitations`);
      const statuses = Object.fromEntries(
        list.json().invitations.map((i: { email: string; status: string }) => [i.email, i.status]),
      );
      expect(statuses).toEqual({ 'early@acme.test': 'accepted', 'late@acme.test': 'expired' });
    });

    it('a revoked invitation is refused', async () => {
      const { response, token } = await invite(owner, 'revoked@acme.test', 'client');
      const id = response.json().invitation.id;
      expect((await owner.delete(`/api/v1/orgs/${orgId}/invitations/${id}`)).statusCode).toBe(204);
      expectError(await accept(token, MEMBER_PASSWORD), 400, 'invalid_token');
      // Revoking twice, or revoking an unknown invitation, is 404.
      expectError(await owner.delete(`/api/v1/orgs/${orgId}/invitations/${id}`), 404, 'not_found');
      const users = await t.ctx.db.kysely
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'revoked@acme.test')
        .execute();
      expect(users).toHaveLength(0);
    });

    it('a person with an account accepts with their own password, which stays unchanged', async () => {
      const { userId } = await join('returning@acme.test', 'staff');
      expect((await owner.delete(`/api/v1/orgs/${orgId}/members/${userId}`)).statusCode).toBe(204);
      const { token } = await invite(owner, 'returning@acme.test', 'client');
      // Someone holding the link but not the password cannot take the account over.
      expectError(await accept(token, 'attacker-chosen-password-9'), 401, 'invalid_credentials');
      const accepted = await accept(token, MEMBER_PASSWORD);
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json().user.id).toBe(userId);
      expect(await roleOf(userId)).toBe('client');
      await signIn('returning@acme.test', MEMBER_PASSWORD);
    });

    it('the invitation token is stored only as its hash', async () => {
      const { token } = await invite(owner, 'hashed@acme.test', 'staff');
      const rows = await t.ctx.db.kysely.selectFrom('invitations').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows[0]!.token_hash).toBe(sha256Hex(token));
    });

    it('inviting an existing member is 409 conflict', async () => {
      await join('member@acme.test', 'staff');
      expectError((await invite(owner, 'member@acme.test', 'client')).response, 409, 'conflict');
    });
  });

  describe('roles', () => {
    it('an owner can change anyone, including other owners', async () => {
      const second = await join('second.owner@acme.test', 'owner');
      const staff = await join('staff@acme.test', 'staff');
      for (const role of ['admin', 'client', 'owner', 'staff']) {
        const response = await owner.patch(`/api/v1/orgs/${orgId}/members/${staff.userId}`, { role });
        expect(response.statusCode, role).toBe(200);
        expect(response.json().role).toBe(role);
        expect(await roleOf(staff.userId)).toBe(role);
      }
      expect((await owner.patch(`/api/v1/orgs/${orgId}/members/${second.userId}`, { role: 'admin' })).statusCode).toBe(
        200,
      );
      expect(await roleOf(second.userId)).toBe('admin');
    });

    it('an admin manages staff, clients and admins, but not owners, and cannot make owners', async () => {
      const admin = await join('admin@acme.test', 'admin');
      const other = await join('other.admin@acme.test', 'admin');
      const staff = await join('staff@acme.test', 'staff');
      const patch = (userId: string, role: string) =>
        admin.client.patch(`/api/v1/orgs/${orgId}/members/${userId}`, { role });

      expect((await patch(staff.userId, 'client')).statusCode).toBe(200);
      expect((await patch(staff.userId, 'admin')).statusCode).toBe(200);
      expect((await patch(staff.userId, 'staff')).statusCode).toBe(200);
      expect((await patch(other.userId, 'staff')).statusCode).toBe(200);

      expectError(await patch(staff.userId, 'owner'), 403, 'forbidden');
      expectError(await patch(ownerId, 'admin'), 403, 'forbidden');
      expectError(await patch(admin.userId, 'owner'), 403, 'forbidden');
      expectError(await admin.client.delete(`/api/v1/orgs/${orgId}/members/${ownerId}`), 403, 'forbidden');
      expectError((await invite(admin.client, 'new.owner@acme.test', 'owner')).response, 403, 'forbidden');
      expect(await roleOf(ownerId)).toBe('owner');
      expect(await roleOf(staff.userId)).toBe('staff');

      expect((await invite(admin.client, 'new.staff@acme.test', 'staff')).response.statusCode).toBe(201);
      expect((await admin.client.delete(`/api/v1/orgs/${orgId}/members/${other.userId}`)).statusCode).toBe(204);
    });

    it('staff and clients get 403 forbidden on every member route', async () => {
      const staff = await join('staff@acme.test', 'staff');
      const client = await join('client@acme.test', 'client');
      for (const member of [staff, client]) {
        const other = member === staff ? client : staff;
        expectError(await member.client.get(`/api/v1/orgs/${orgId}/members`), 403, 'forbidden');
        expectError(await member.client.get(`/api/v1/orgs/${orgId}/invitations`), 403, 'forbidden');
        expectError(await member.client.get(`/api/v1/orgs/${orgId}/audit`), 403, 'forbidden');
        expectError(
          await member.client.post(`/api/v1/orgs/${orgId}/invitations`, { email: 'x@acme.test', role: 'client' }),
          403,
          'forbidden',
        );
        expectError(
          await member.client.patch(`/api/v1/orgs/${orgId}/members/${other.userId}`, { role: 'admin' }),
          403,
          'forbidden',
        );
        expectError(
          await member.client.patch(`/api/v1/orgs/${member.userId}/members/${member.userId}`, { role: 'admin' }),
          404,
          'not_found',
        );
        expectError(
          await member.client.patch(`/api/v1/orgs/${orgId}/members/${member.userId}`, { role: 'owner' }),
          403,
          'forbidden',
        );
        expectError(await member.client.delete(`/api/v1/orgs/${orgId}/members/${other.userId}`), 403, 'forbidden');
      }
      expect(await roleOf(staff.userId)).toBe('staff');
      expect(await roleOf(client.userId)).toBe('client');
    });

    it('someone outside the organization gets 404 not_found, not 403', async () => {
      const outsider = await join('outsider@acme.test', 'admin');
      expect((await owner.delete(`/api/v1/orgs/${orgId}/members/${outsider.userId}`)).statusCode).toBe(204);
      const client = await signIn('outsider@acme.test');
      expectError(await client.get(`/api/v1/orgs/${orgId}/members`), 404, 'not_found');
      expectError(await client.get(`/api/v1/orgs/${orgId}/audit`), 404, 'not_found');
      expectError(
        await client.post(`/api/v1/orgs/${orgId}/invitations`, { email: 'x@acme.test', role: 'client' }),
        404,
        'not_found',
      );
      expectError(await client.patch(`/api/v1/orgs/${orgId}/members/${ownerId}`, { role: 'client' }), 404, 'not_found');
      expectError(await owner.get('/api/v1/orgs/NoSuchOrg123/members'), 404, 'not_found');
      expect((await client.get('/api/v1/orgs')).json().orgs).toEqual([]);
    });

    it('the last owner can be neither demoted nor removed: 409 last_owner', async () => {
      expectError(await owner.patch(`/api/v1/orgs/${orgId}/members/${ownerId}`, { role: 'admin' }), 409, 'last_owner');
      expectError(await owner.delete(`/api/v1/orgs/${orgId}/members/${ownerId}`), 409, 'last_owner');
      expect(await roleOf(ownerId)).toBe('owner');
      // With a second owner, the first may step down — and then the second is the last.
      const second = await join('second.owner@acme.test', 'owner');
      expect((await owner.patch(`/api/v1/orgs/${orgId}/members/${ownerId}`, { role: 'admin' })).statusCode).toBe(200);
      expectError(await second.client.delete(`/api/v1/orgs/${orgId}/members/${second.userId}`), 409, 'last_owner');
      expectError(
        await second.client.patch(`/api/v1/orgs/${orgId}/members/${second.userId}`, { role: 'staff' }),
        409,
        'last_owner',
      );
    });

    it('two owners demoting each other at once never leave the org without an owner', async () => {
      const second = await join('second.owner@acme.test', 'owner');
      for (let round = 0; round < 10; round += 1) {
        const [a, b] = await Promise.all([
          owner.patch(`/api/v1/orgs/${orgId}/members/${second.userId}`, { role: 'admin' }),
          second.client.patch(`/api/v1/orgs/${orgId}/members/${ownerId}`, { role: 'admin' }),
        ]);
        const owners = await t.ctx.db.kysely
          .selectFrom('memberships')
          .select('user_id')
          .where('org_id', '=', orgId)
          .where('role', '=', 'owner')
          .execute();
        expect(owners, `${a.statusCode} ${b.statusCode}`).toHaveLength(1);
        // The loser is refused either as the last owner (409) or because it is no longer an owner (403).
        expect([a.statusCode, b.statusCode].filter((s) => s === 200)).toHaveLength(1);
        // Make both owners again for the next round.
        const remaining = owners[0]!.user_id === ownerId ? owner : second.client;
        const demoted = owners[0]!.user_id === ownerId ? second.userId : ownerId;
        expect((await remaining.patch(`/api/v1/orgs/${orgId}/members/${demoted}`, { role: 'owner' })).statusCode).toBe(
          200,
        );
      }
    });

    it('two owners leaving at once never leave the org without an owner', async () => {
      const second = await join('second.owner@acme.test', 'owner');
      const [a, b] = await Promise.all([
        owner.delete(`/api/v1/orgs/${orgId}/members/${ownerId}`),
        second.client.delete(`/api/v1/orgs/${orgId}/members/${second.userId}`),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([204, 409]);
      const owners = await t.ctx.db.kysely
        .selectFrom('memberships')
        .select('user_id')
        .where('org_id', '=', orgId)
        .where('role', '=', 'owner')
        .execute();
      expect(owners).toHaveLength(1);
    });

    it("a removed member's sessions end at once", async () => {
      const staff = await join('staff@acme.test', 'staff');
      const elsewhere = await signIn('staff@acme.test');
      expect((await staff.client.get('/api/v1/session')).statusCode).toBe(200);
      expect((await owner.delete(`/api/v1/orgs/${orgId}/members/${staff.userId}`)).statusCode).toBe(204);
      expectError(await staff.client.get('/api/v1/session'), 401, 'unauthenticated');
      expectError(await elsewhere.get('/api/v1/session'), 401, 'unauthenticated');
      expect(await roleOf(staff.userId)).toBeUndefined();
    });

    it('a member may leave on their own', async () => {
      const staff = await join('leaver@acme.test', 'staff');
      expect((await staff.client.delete(`/api/v1/orgs/${orgId}/members/${staff.userId}`)).statusCode).toBe(204);
      expect(await roleOf(staff.userId)).toBeUndefined();
    });
  });

  describe('audit', () => {
    it('invitations, role changes and removals are audited with actor, target, org, IP and user agent', async () => {
      const { response, token } = await invite(owner, 'audited@acme.test', 'staff');
      expect(response.statusCode).toBe(201);
      const accepted = await accept(token, MEMBER_PASSWORD, '203.0.113.44');
      const memberId = accepted.json().user.id as string;
      expect(
        (
          await owner.request(
            'PATCH',
            `/api/v1/orgs/${orgId}/members/${memberId}`,
            { role: 'admin' },
            { 'user-agent': UA },
          )
        ).statusCode,
      ).toBe(200);
      expect(
        (await owner.request('DELETE', `/api/v1/orgs/${orgId}/members/${memberId}`, undefined, { 'user-agent': UA }))
          .statusCode,
      ).toBe(204);

      const rows = await t.ctx.db.kysely
        .selectFrom('audit_events')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('at')
        .execute();
      const byEvent = (event: string) => {
        const found = rows.filter((r) => r.event === event);
        expect(found, event).toHaveLength(1);
        return found[0]!;
      };
      const sent = byEvent('invitation.sent');
      expect(sent).toMatchObject({ actor_user_id: ownerId, org_id: orgId, ip: '192.0.2.1', user_agent: UA });
      expect(JSON.parse(sent.details)).toMatchObject({ email: 'audited@acme.test', role: 'staff' });
      expect(byEvent('invitation.accepted')).toMatchObject({
        actor_user_id: memberId,
        target_user_id: memberId,
        org_id: orgId,
        ip: '203.0.113.44',
        user_agent: UA,
      });
      const changed = byEvent('member.role_changed');
      expect(changed).toMatchObject({
        actor_user_id: ownerId,
        target_user_id: memberId,
        org_id: orgId,
        ip: '192.0.2.1',
        user_agent: UA,
      });
      expect(JSON.parse(changed.details)).toEqual({ from: 'staff', to: 'admin' });
      expect(byEvent('member.removed')).toMatchObject({
        actor_user_id: ownerId,
        target_user_id: memberId,
        org_id: orgId,
        ip: '192.0.2.1',
        user_agent: UA,
      });
    });

    it('the org audit log filters by event and by user, and pages with nextCursor', async () => {
      const a = await join('a@acme.test', 'staff');
      const b = await join('b@acme.test', 'client');
      await owner.patch(`/api/v1/orgs/${orgId}/members/${a.userId}`, { role: 'admin' });
      await owner.patch(`/api/v1/orgs/${orgId}/members/${b.userId}`, { role: 'staff' });
      await owner.patch(`/api/v1/orgs/${orgId}/members/${a.userId}`, { role: 'staff' });

      const all = (await owner.get(`/api/v1/orgs/${orgId}/audit?limit=200`)).json() as {
        events: AuditApiRow[];
        nextCursor: string | null;
      };
      expect(all.nextCursor).toBeNull();
      expect(all.events.length).toBeGreaterThan(8);

      const changes = (await owner.get(`/api/v1/orgs/${orgId}/audit?event=member.role_changed`)).json()
        .events as AuditApiRow[];
      expect(changes).toHaveLength(3);
      expect(changes.every((e) => e.event === 'member.role_changed')).toBe(true);

      const aboutA = (await owner.get(`/api/v1/orgs/${orgId}/audit?userId=${a.userId}`)).json().events as AuditApiRow[];
      expect(aboutA.length).toBeGreaterThanOrEqual(4);
      expect(aboutA.every((e) => e.actorUserId === a.userId || e.targetUserId === a.userId)).toBe(true);
      expect(aboutA.filter((e) => e.event === 'member.role_changed')).toHaveLength(2);

      const paged: AuditApiRow[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page += 1) {
        const query: string = `limit=3${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`;
        const response = await owner.get(`/api/v1/orgs/${orgId}/audit?${query}`);
        expect(response.statusCode).toBe(200);
        const body = response.json() as { events: AuditApiRow[]; nextCursor: string | null };
        expect(body.events.length).toBeLessThanOrEqual(3);
        paged.push(...body.events);
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(cursor).toBeNull();
      expect(paged.map((e) => e.id)).toEqual(all.events.map((e) => e.id));
    });

    it("GET /api/v1/me/audit shows the member's own events only", async () => {
      const staff = await join('own@acme.test', 'staff');
      await owner.patch(`/api/v1/orgs/${orgId}/members/${staff.userId}`, { role: 'client' });
      await owner.post('/api/v1/sign-in', { email: OWNER.email, password: 'wrong-password-for-owner-1' });
      const mine = (await staff.client.get('/api/v1/me/audit')).json().events as AuditApiRow[];
      expect(mine.length).toBeGreaterThanOrEqual(3);
      expect(mine.every((e) => e.actorUserId === staff.userId || e.targetUserId === staff.userId)).toBe(true);
      expect(mine.map((e) => e.event)).toEqual(
        expect.arrayContaining(['invitation.accepted', 'sign_in.succeeded', 'member.role_changed']),
      );
      expect(mine.some((e) => e.event === 'setup.completed' || e.event === 'sign_in.failed')).toBe(false);
      // Another member's id in the filter does not widen the view.
      const widened = await staff.client.get(`/api/v1/me/audit?userId=${ownerId}`);
      if (widened.statusCode === 200) {
        expect(
          (widened.json().events as AuditApiRow[]).every(
            (e) => e.actorUserId === staff.userId || e.targetUserId === staff.userId,
          ),
        ).toBe(true);
      } else {
        expectError(widened, 400, 'invalid_request');
      }
    });
  });

  describe('password rules over the API', () => {
    /** A varied, uncommon password of exactly `length` characters. */
    function passwordOf(length: number): string {
      const words = 'quartz-lantern-meadow-cobalt-whisper-thimble-saffron-glacier-';
      let out = '';
      for (let i = 0; out.length < length; i += 1) out += words[(i * 7) % words.length];
      return out.slice(0, length);
    }

    it('fewer than 12 characters is rejected; 12 is accepted', async () => {
      const { token } = await invite(owner, 'short@acme.test', 'staff');
      const short = await accept(token, 'tangerine-1');
      expectError(short, 400, 'password_rejected');
      expect(short.json().error.reason).toEqual(expect.any(String));
      expect((await accept(token, 'tangerine-12')).statusCode).toBe(200);
    });

    it('256 characters are accepted and 257 rejected', async () => {
      const long = passwordOf(256);
      const tooLong = passwordOf(257);
      expectError(
        await owner.post('/api/v1/me/password', { currentPassword: OWNER.password, newPassword: tooLong }),
        400,
        'password_rejected',
      );
      expect(
        (await owner.post('/api/v1/me/password', { currentPassword: OWNER.password, newPassword: long })).statusCode,
      ).toBe(200);
      await signIn(OWNER.email, long);
    });

    it('a 100-character password is not truncated: its 72-character prefix fails sign-in', async () => {
      const hundred = passwordOf(100);
      const { token } = await invite(owner, 'hundred@acme.test', 'staff');
      expect((await accept(token, hundred)).statusCode).toBe(200);
      const client = new Client(t.app, nextIp());
      expectError(
        await client.post('/api/v1/sign-in', { email: 'hundred@acme.test', password: hundred.slice(0, 72) }),
        401,
        'invalid_credentials',
      );
      expectError(
        await client.post('/api/v1/sign-in', { email: 'hundred@acme.test', password: hundred.slice(0, 99) }),
        401,
        'invalid_credentials',
      );
      expect((await client.post('/api/v1/sign-in', { email: 'hundred@acme.test', password: hundred })).statusCode).toBe(
        200,
      );
    });

    it('passwords are NFKC-normalised: set in fullwidth form, sign in with the ASCII form (and back)', async () => {
      const ascii = 'password-maple-river-9';
      const fullwidth = 'ｐａｓｓｗｏｒｄ－ｍａｐｌｅ－ｒｉｖｅｒ－９';
      expect(fullwidth).not.toBe(ascii);
      expect(fullwidth.normalize('NFKC')).toBe(ascii);
      const { token } = await invite(owner, 'wide@acme.test', 'staff');
      expect((await accept(token, fullwidth)).statusCode).toBe(200);
      await signIn('wide@acme.test', ascii);
      await signIn('wide@acme.test', fullwidth);
    });

    it('a common password is rejected with a reason', async () => {
      const { token } = await invite(owner, 'common@acme.test', 'staff');
      for (const common of ['password1234', 'PASSWORD1234', 'qwertyuiop123']) {
        const response = await accept(token, common);
        expectError(response, 400, 'password_rejected');
        expect(response.json().error.field).toBe('password');
        expect(response.json().error.reason).toMatch(/\S/);
      }
    });

    it('a password containing the email local part or the org name is rejected, each with its own reason', async () => {
      const { token } = await invite(owner, 'margarethe@acme.test', 'staff');
      const email = await accept(token, 'xx-Margarethe-2025-yy');
      const org = await accept(token, 'my acme clinic pass 2025');
      const common = await accept(token, 'password1234');
      expectError(email, 400, 'password_rejected');
      expectError(org, 400, 'password_rejected');
      const reasons = new Set([email, org, common].map((r) => r.json().error.reason as string));
      expect(reasons.size).toBe(3);
      expect((await accept(token, 'riverbank-tulip-oracle-5')).statusCode).toBe(200);
    });
  });
});
