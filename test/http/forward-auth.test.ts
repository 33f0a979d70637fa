/**
 * Forward auth over HTTP, as Traefik `forwardAuth` / Caddy `forward_auth` call it (X-Forwarded-* headers,
 * 302 to sign in) and as nginx does (X-Original-URL, 401 with the Location): host rules, roles, two factors,
 * the app-access rule, the one-time code (single use under parallel redemption), return addresses only to
 * protected hosts, and who may manage the rules.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const PASSWORD = 'quiet-meadow-copper-81';
const HOST = 'wiki.acme.test';

describe.each(DIALECTS)('forward auth (%s)', (dialect) => {
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

  const protect = (body: Record<string, unknown>) => owner.post(`/api/v1/orgs/${orgId}/forward-auth-hosts`, body);

  /** The proxy's check of one request to the protected host, with the browser's cookies for that host. */
  const check = (cookie: string | null, extra: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/forward-auth',
      headers: {
        'x-forwarded-host': HOST,
        'x-forwarded-proto': 'https',
        'x-forwarded-uri': '/docs/page?a=1',
        'x-forwarded-method': 'GET',
        ...(cookie ? { cookie } : {}),
        ...extra,
      },
    });

  /** A signed-in person carried to the host: start (on twofold) → callback (on the host, via the proxy). */
  async function carry(client: Client): Promise<string> {
    const start = await client.get(`/forward-auth/start?rd=${encodeURIComponent(`https://${HOST}/docs/page?a=1`)}`);
    expect(start.statusCode, start.body.slice(0, 300)).toBe(200);
    const location = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(start.body)![1]!.replace(/&amp;/g, '&');
    const url = new URL(location);
    expect(url.origin).toBe(`https://${HOST}`);
    expect(url.pathname).toBe('/.twofold/callback');
    const callback = await t.app.inject({
      method: 'GET',
      url: `/forward-auth/callback${url.search}`,
      headers: { 'x-forwarded-host': HOST, 'x-forwarded-proto': 'https' },
    });
    expect(callback.statusCode).toBe(303);
    expect(callback.headers.location).toBe('/docs/page?a=1');
    const cookie = callback.cookies.find((c) => c.name === '__Host-tf_fa')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, path: '/', sameSite: 'Lax' });
    return `__Host-tf_fa=${cookie.value}`;
  }

  async function member(email: string, role: 'admin' | 'staff' | 'client') {
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email,
      role,
      password: PASSWORD,
    });
    const client = new Client(t.app);
    expect((await client.post('/api/v1/sign-in', { email, password: PASSWORD })).json().status).toBe('signed_in');
    return client;
  }

  it('an unknown visitor is sent to sign in (302 for Traefik/Caddy, 401 + Location for nginx); a carried one gets the headers', async () => {
    expect((await protect({ host: HOST, requireTwoFactor: false })).statusCode).toBe(201);
    const anonymous = await check(null);
    expect(anonymous.statusCode).toBe(302);
    const signIn = new URL(anonymous.headers.location as string);
    expect(signIn.origin + signIn.pathname).toBe('http://localhost:3000/forward-auth/start');
    expect(signIn.searchParams.get('rd')).toBe(`https://${HOST}/docs/page?a=1`);
    const nginx = await check(null, { 'x-original-url': `https://${HOST}/n?b=2` });
    expect(nginx.statusCode).toBe(401);
    expect(new URL(nginx.headers.location as string).searchParams.get('rd')).toBe(`https://${HOST}/n?b=2`);

    const cookie = await carry(owner);
    const allowed = await check(cookie);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['remote-email']).toBe(OWNER.email);
    expect(allowed.headers['remote-groups']).toBe('owner');
    expect(allowed.headers['remote-user']).toMatch(/.+/);
    expect(allowed.headers['cache-control']).toBe('no-store');
    // The token is for this host only.
    expect((await check(cookie, { 'x-forwarded-host': 'other.acme.test' })).statusCode).toBe(302);
    // Signing out of twofold ends it at the next check.
    await owner.delete('/api/v1/session');
    expect((await check(cookie)).statusCode).toBe(302);
  });

  it('roles, two factors and the app-access rule decide at every check; names travel percent-encoded when not ASCII', async () => {
    expect((await protect({ host: HOST, requireTwoFactor: false, roles: ['owner', 'staff'] })).statusCode).toBe(201);
    const client = await member('client@acme.test', 'client');
    const refused = await client.get(`/forward-auth/start?rd=${encodeURIComponent(`https://${HOST}/`)}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Your role in the organization does not include this app');

    const staff = await member('nurse@acme.test', 'staff');
    await t.ctx.db.kysely
      .updateTable('users')
      .set({ name: 'Zoë Ñúñez' })
      .where('email', '=', 'nurse@acme.test')
      .execute();
    const cookie = await carry(staff);
    const allowed = await check(cookie);
    expect(allowed.statusCode).toBe(200);
    expect(decodeURIComponent(allowed.headers['remote-name'] as string)).toBe('Zoë Ñúñez');
    // Demoted to client: refused at the next check, without signing out.
    await t.ctx.db.kysely.updateTable('memberships').set({ role: 'client' }).where('org_id', '=', orgId).execute();
    expect((await check(cookie)).statusCode).toBe(302);
    await t.ctx.db.kysely.updateTable('memberships').set({ role: 'staff' }).where('role', '=', 'client').execute();
    expect((await check(cookie)).statusCode).toBe(200);
    // Suspended: refused (the suspension also ends the session).
    await t.ctx.db.kysely
      .updateTable('users')
      .set({ suspended_at: t.clock.now().toISOString() })
      .where('email', '=', 'nurse@acme.test')
      .execute();
    expect((await check(cookie)).statusCode).toBe(302);
  });

  it('a host that requires two factors refuses a one-factor session before any code is issued', async () => {
    expect((await protect({ host: HOST, requireTwoFactor: true })).statusCode).toBe(201);
    const staff = await member('nurse@acme.test', 'staff');
    const start = await staff.get(`/forward-auth/start?rd=${encodeURIComponent(`https://${HOST}/`)}`);
    expect(start.statusCode).toBe(403);
    expect(start.body).toContain('This app asks for two-factor authentication');
    expect(await t.ctx.db.kysely.selectFrom('forward_auth_codes').select('id').execute()).toHaveLength(0);
  });

  it('a code works once, also when redeemed in parallel, only on its host, and only for a short time', async () => {
    expect((await protect({ host: HOST, requireTwoFactor: false })).statusCode).toBe(201);
    const start = await owner.get(`/forward-auth/start?rd=${encodeURIComponent(`https://${HOST}/x`)}`);
    const search = new URL(/content="0;url=([^"]+)"/.exec(start.body)![1]!.replace(/&amp;/g, '&')).search;
    const redeem = (host: string) =>
      t.app.inject({ method: 'GET', url: `/forward-auth/callback${search}`, headers: { 'x-forwarded-host': host } });
    expect((await redeem('evil.example')).statusCode).toBe(400);
    const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(HOST)));
    expect(answers.filter((a) => a.statusCode === 303)).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode === 400)).toHaveLength(19);
    const late = await owner.get(`/forward-auth/start?rd=${encodeURIComponent(`https://${HOST}/x`)}`);
    t.clock.advanceSeconds(61);
    const lateSearch = new URL(/content="0;url=([^"]+)"/.exec(late.body)![1]!.replace(/&amp;/g, '&')).search;
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/forward-auth/callback${lateSearch}`,
          headers: { 'x-forwarded-host': HOST },
        })
      ).statusCode,
    ).toBe(400);
  });

  it('returns only to protected hosts, and only to a path on them', async () => {
    expect((await protect({ host: HOST, requireTwoFactor: false })).statusCode).toBe(201);
    for (const rd of ['https://evil.example/', 'javascript:alert(1)', `https://user:pw@${HOST}/`, '/relative', '']) {
      const answer = await owner.get(`/forward-auth/start?rd=${encodeURIComponent(rd)}`);
      expect(answer.statusCode, rd).toBe(400);
    }
    const start = await owner.get(`/forward-auth/start?rd=${encodeURIComponent(`https://${HOST}//evil.example/x`)}`);
    const search = new URL(/content="0;url=([^"]+)"/.exec(start.body)![1]!.replace(/&amp;/g, '&')).search;
    const callback = await t.app.inject({
      method: 'GET',
      url: `/forward-auth/callback${search}`,
      headers: { 'x-forwarded-host': HOST },
    });
    expect(callback.headers.location).toBe('/evil.example/x');
  });

  it('only owners and admins manage host rules, with a fresh re-authentication; bad input is a 400; changes are audited', async () => {
    t.clock.advanceSeconds(11 * 60);
    expect((await protect({ host: HOST, requireTwoFactor: true })).json().error.code).toBe('reauthentication_required');
    const staff = await member('nurse@acme.test', 'staff');
    expect((await staff.get(`/api/v1/orgs/${orgId}/forward-auth-hosts`)).statusCode).toBe(403);
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    for (const host of ['https://wiki.acme.test', 'wiki acme', 'a/b', 'wiki.acme.test/x']) {
      expect((await protect({ host, requireTwoFactor: true })).statusCode, host).toBe(400);
    }
    const added = await protect({ host: HOST, requireTwoFactor: true, roles: ['staff'] });
    expect(added.statusCode).toBe(201);
    expect((await protect({ host: HOST, requireTwoFactor: false })).statusCode).toBe(409);
    const listed = (await owner.get(`/api/v1/orgs/${orgId}/forward-auth-hosts`)).json().hosts;
    expect(listed).toEqual([expect.objectContaining({ host: HOST, requireTwoFactor: true, roles: ['staff'] })]);
    expect((await owner.delete(`/api/v1/orgs/${orgId}/forward-auth-hosts/${added.json().host.id}`)).statusCode).toBe(
      204,
    );
    const audit = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', 'like', 'forward_auth.%')
      .orderBy('at')
      .execute();
    expect(audit.map((a) => a.event)).toEqual(['forward_auth.host_added', 'forward_auth.host_removed']);
    // The page runs the same flows.
    const page = `/orgs/${orgId}/forward-auth`;
    const viaPage = await owner.submitForm(page, page, { host: 'docs.acme.test', requireTwoFactor: '1' });
    expect(viaPage.statusCode).toBe(201);
    expect(viaPage.body).toContain('docs.acme.test is protected.');
  });
});
