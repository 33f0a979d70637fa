/**
 * OpenID Connect Back-Channel Logout 1.0, end to end: a receiving app (node:http) registered with a
 * `backchannel_logout_uri` verifies every logout token with an independent library (jose) against twofold's
 * published JWKS — iss, aud, typ, events, sub and sid, no nonce — for each way a person's sessions end:
 * signing out, a revoked session, a password change, an admin 2FA reset, suspension, removal from the org,
 * and signing out through the app itself (RP-initiated logout), which keeps the app's consent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as oidcClient from 'openid-client';
import { Client, OWNER } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { freePort } from '../helpers/browser.ts';
import { startExampleApp } from '../../examples/connect-your-app/app.mjs';
import { createMember } from '../../src/flows/members.ts';
import { addMember } from '../../src/orgs/store.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import {
  authRequest,
  formAction,
  redeem,
  registerApp,
  rpConfig,
  RP_CALLBACK,
  RP_LOGGED_OUT,
  signInThrough,
  startOidcRig,
  WebBrowser,
  type OidcRig,
} from '../helpers/oidc.ts';

const MEMBER = { email: 'nurse@acme.test', password: 'quiet-meadow-copper-81' };
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface LogoutApp {
  readonly url: string;
  /** Verified logout tokens' claims, in order of arrival. */
  readonly verified: JWTPayload[];
  /** Requests whose token did not verify (the error message). */
  readonly refused: string[];
  /** Status to answer to the next valid requests (the last one repeats). */
  answers: number[];
  waitFor(count: number): Promise<JWTPayload[]>;
  close(): Promise<void>;
}

/**
 * The relying party's back-channel endpoint as an app would write it (§2.6): parse the form body, verify the
 * token's signature against the issuer's JWKS, iss, aud, iat/exp, explicit type, the events claim, sid or sub,
 * and the absence of nonce; 200 when valid, 400 otherwise.
 */
async function startLogoutApp(issuer: string, clientId: () => string, now: () => Date): Promise<LogoutApp> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
  const app: LogoutApp = {
    url: '',
    verified: [],
    refused: [],
    answers: [200],
    async waitFor(count) {
      const deadline = Date.now() + 10_000;
      while (app.verified.length + app.refused.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} logout tokens, got ${app.verified.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(app.refused).toEqual([]);
      return app.verified;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      void (async () => {
        try {
          expect(request.method).toBe('POST');
          expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
          const token = new URLSearchParams(body).get('logout_token') ?? '';
          const { payload } = await jwtVerify(token, jwks, {
            issuer,
            audience: clientId(),
            typ: 'logout+jwt',
            algorithms: ['RS256'],
            currentDate: now(),
            requiredClaims: ['iat', 'exp', 'jti', 'events'],
          });
          if (!payload.sub && !payload.sid) throw new Error('neither sub nor sid');
          if ('nonce' in payload) throw new Error('a logout token must not carry a nonce');
          const events = payload.events as Record<string, unknown>;
          if (typeof events?.[LOGOUT_EVENT] !== 'object') throw new Error('no back-channel logout event');
          app.verified.push(payload);
          const status = app.answers.length > 1 ? app.answers.shift()! : app.answers[0]!;
          response.writeHead(status, { 'cache-control': 'no-store' }).end();
        } catch (error) {
          app.refused.push(String(error));
          response.writeHead(400).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (app as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`;
  return app;
}

describe.each(DIALECTS)('OpenID Connect back-channel logout (%s)', (dialect) => {
  let rig: OidcRig;
  let receiver: LogoutApp;
  let clientId = '';
  let config: oidcClient.Configuration;
  let memberId: string;

  beforeEach(async () => {
    rig = await startOidcRig(dialect, { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    receiver = await startLogoutApp(
      rig.issuer,
      () => clientId,
      () => rig.t.clock.now(),
    );
    const app = await registerApp(rig, OWNER.password, { backchannelLogoutUri: receiver.url });
    clientId = app.clientId;
    config = await rpConfig(rig, app);
    const member = await createMember(rig.t.ctx, OPERATOR, {
      org: { id: rig.orgId, name: OWNER.orgName, createdAt: '' },
      email: MEMBER.email,
      role: 'staff',
      password: MEMBER.password,
    });
    memberId = member.id;
  });
  afterEach(async () => {
    await receiver.close();
    await rig.close();
  });

  /** Signs the member in to the app in a new browser; returns the browser and the ID token's sid. */
  async function memberSignsIn(): Promise<{ browser: WebBrowser; sid: string }> {
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config);
    let page = await signInThrough(browser, await browser.go(request.url.toString()), MEMBER.email, MEMBER.password);
    if (page.body.includes('to sign you in?')) page = await browser.submit(page, formAction(page, /\/consent$/));
    expect(page.url.startsWith(RP_CALLBACK), page.body.slice(0, 500)).toBe(true);
    const claims = (await redeem(config, request, page.url)).claims()!;
    expect(claims.sub).toBe(memberId);
    expect(typeof claims.sid).toBe('string');
    return { browser, sid: claims.sid as string };
  }

  /** The member signed in over the JSON API (a second session, for the owner's and member's own actions). */
  async function memberApi(): Promise<Client> {
    const api = new Client(rig.t.app);
    expect((await api.post('/api/v1/sign-in', MEMBER)).statusCode).toBe(200);
    return api;
  }

  it('publishes back-channel logout and checks the address like a redirect URI (and not a private one unless allowed)', async () => {
    const discovery = (await (await fetch(`${rig.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery.backchannel_logout_supported).toBe(true);
    expect(discovery.backchannel_logout_session_supported).toBe(true);
    const listed = await rig.owner.get(`/api/v1/orgs/${rig.orgId}/oidc-clients/${clientId}`);
    expect(listed.json().client.backchannelLogoutUri).toBe(receiver.url);
    for (const bad of ['http://app.example.com/logout', 'https://app.example.com/logout#x', 'ftp://x.example/']) {
      const response = await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients`, {
        name: 'Bad',
        kind: 'confidential',
        redirectUris: [RP_CALLBACK],
        backchannelLogoutUri: bad,
      });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().error.field).toBe('backchannelLogoutUri');
    }
    // PATCH without the field keeps it; an empty one removes it.
    const kept = await rig.owner.patch(`/api/v1/orgs/${rig.orgId}/oidc-clients/${clientId}`, {
      name: 'Patient portal',
      redirectUris: [RP_CALLBACK],
    });
    expect(kept.json().client.backchannelLogoutUri).toBe(receiver.url);
    const removed = await rig.owner.patch(`/api/v1/orgs/${rig.orgId}/oidc-clients/${clientId}`, {
      name: 'Patient portal',
      redirectUris: [RP_CALLBACK],
      backchannelLogoutUri: '',
    });
    expect(removed.json().client.backchannelLogoutUri).toBeNull();
    // The Apps page sets it through the same flow, with the same check.
    const page = await rig.owner.submitForm(`/orgs/${rig.orgId}/apps`, `/orgs/${rig.orgId}/apps/${clientId}/update`, {
      name: 'Patient portal',
      redirectUris: RP_CALLBACK,
      backchannelLogoutUri: receiver.url,
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${receiver.url}"`);
    const refused = await rig.owner.submitForm(
      `/orgs/${rig.orgId}/apps`,
      `/orgs/${rig.orgId}/apps/${clientId}/update`,
      {
        name: 'Patient portal',
        redirectUris: RP_CALLBACK,
        backchannelLogoutUri: 'http://app.example.com/logout',
      },
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('backchannelLogoutUri');
    const shown = await rig.owner.get(`/api/v1/orgs/${rig.orgId}/oidc-clients/${clientId}`);
    expect(shown.json().client.backchannelLogoutUri).toBe(receiver.url);

    // Without WEBHOOK_ALLOW_PRIVATE_TARGETS, a loopback or private address is refused.
    const strict = await startOidcRig(dialect);
    try {
      await strict.owner.post('/api/v1/me/reauthenticate', { password: OWNER.password });
      for (const local of ['http://localhost:9/logout', 'https://10.0.0.8/logout', 'https://[::1]/logout']) {
        const response = await strict.owner.post(`/api/v1/orgs/${strict.orgId}/oidc-clients`, {
          name: 'Local',
          kind: 'confidential',
          redirectUris: [RP_CALLBACK],
          backchannelLogoutUri: local,
        });
        expect(response.statusCode, local).toBe(400);
        expect(response.json().error.field).toBe('backchannelLogoutUri');
      }
    } finally {
      await strict.close();
    }
  });

  it('signing out of twofold sends a logout token with the sid of the ID token; a failed delivery is retried', async () => {
    const { browser, sid } = await memberSignsIn();
    receiver.answers = [503, 200];
    const profile = await browser.go(`${rig.base}/profile`);
    await browser.submit(profile, '/sign-out');
    const [first] = await receiver.waitFor(1);
    expect(first).toMatchObject({ iss: rig.issuer, aud: clientId, sub: memberId, sid });
    // The outcome is recorded once the answer is in.
    const deadline = Date.now() + 10_000;
    const row = async () =>
      rig.t.ctx.db.kysely.selectFrom('oidc_logout_deliveries').selectAll().executeTakeFirstOrThrow();
    while (Number((await row()).attempts) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, response_status: 503, last_error: 'http_503' });
    // The retry, on the schedule, carries a freshly signed token.
    rig.t.clock.advanceSeconds(5);
    const { deliverDueLogouts } = await import('../../src/oidc/backchannel.ts');
    expect(await deliverDueLogouts(rig.t.ctx)).toBe(1);
    const [, second] = await receiver.waitFor(2);
    expect(second).toMatchObject({ sub: memberId, sid });
    expect(second!.jti).not.toBe(first!.jti);
    const done = await rig.t.ctx.db.kysely.selectFrom('oidc_logout_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, response_status: 200 });
  });

  it('revoking the session from another one notifies the app', async () => {
    const { sid } = await memberSignsIn();
    const api = await memberApi();
    const sessions = (await api.get('/api/v1/me/sessions')).json() as {
      sessions: Array<{ id: string; current: boolean }>;
    };
    const other = sessions.sessions.find((s) => !s.current)!;
    expect((await api.delete(`/api/v1/me/sessions/${other.id}`)).statusCode).toBe(204);
    const [token] = await receiver.waitFor(1);
    expect(token).toMatchObject({ sub: memberId, sid });
  });

  it('a password change notifies the app', async () => {
    const { sid } = await memberSignsIn();
    const api = await memberApi();
    const response = await api.post('/api/v1/me/password', {
      currentPassword: MEMBER.password,
      newPassword: 'amber-willow-harvest-93',
    });
    expect(response.statusCode, response.body).toBe(200);
    const [token] = await receiver.waitFor(1);
    expect(token).toMatchObject({ sub: memberId, sid });
  });

  for (const [name, act] of [
    [
      'an admin 2FA reset',
      (r: OidcRig, userId: string) =>
        r.owner.post(`/api/v1/orgs/${r.orgId}/members/${userId}/reset-two-factor`, { reason: 'lost phone' }),
    ],
    [
      'a suspension',
      (r: OidcRig, userId: string) =>
        r.owner.post(`/api/v1/orgs/${r.orgId}/members/${userId}/suspend`, { reason: 'x' }),
    ],
    [
      'removal from the org',
      (r: OidcRig, userId: string) => r.owner.delete(`/api/v1/orgs/${r.orgId}/members/${userId}`),
    ],
  ] as const) {
    it(`${name} notifies the app`, async () => {
      const { sid } = await memberSignsIn();
      expect((await rig.owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
      const response = await act(rig, memberId);
      expect(response.statusCode, response.body).toBeLessThan(300);
      const [token] = await receiver.waitFor(1);
      expect(token).toMatchObject({ iss: rig.issuer, aud: clientId, sub: memberId, sid });
      // Nothing more arrives for the same session (one notification, not one per step of the action).
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.verified).toHaveLength(1);
    });
  }

  it("removal from one org of someone who also belongs to another notifies that org's app and leaves their twofold session", async () => {
    await rig.t.ctx.db.kysely
      .insertInto('orgs')
      .values({
        id: 'org-bravo',
        name: 'Bravo Dental',
        created_at: rig.t.clock.now().toISOString(),
        staff_required_since: null,
        everyone_required_since: null,
      })
      .execute();
    await addMember(rig.t.ctx, 'org-bravo', memberId, 'staff');
    const { browser, sid } = await memberSignsIn();
    const response = await rig.owner.delete(`/api/v1/orgs/${rig.orgId}/members/${memberId}`);
    expect(response.statusCode, response.body).toBe(204);
    const [token] = await receiver.waitFor(1);
    expect(token).toMatchObject({ iss: rig.issuer, aud: clientId, sub: memberId, sid });
    // The owner manages them in one org only: their twofold session goes on.
    expect(new URL((await browser.go(`${rig.base}/profile`)).url).pathname).toBe('/profile');
  });

  it('the example app (examples/connect-your-app) ends its own session when the person signs out of twofold', async () => {
    // The example checks the token's exp against the real clock: twofold's clock moves to now.
    rig.t.clock.advanceSeconds(Math.ceil((Date.now() - rig.t.clock.now().getTime()) / 1000));
    expect((await rig.owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).statusCode).toBe(
      200,
    );
    const port = await freePort();
    const exampleUrl = `http://localhost:${port}`;
    const registered = await registerApp(rig, OWNER.password, {
      name: 'Example app',
      redirectUris: [`${exampleUrl}/callback`],
      postLogoutRedirectUris: [`${exampleUrl}/`],
      backchannelLogoutUri: `${exampleUrl}/backchannel-logout`,
    });
    const example = await startExampleApp({
      issuer: rig.issuer,
      clientId: registered.clientId,
      clientSecret: registered.clientSecret,
      port,
    });
    try {
      const cookieOf = (response: Response) => response.headers.getSetCookie()[0]!.split(';')[0]!;
      const login = await fetch(`${exampleUrl}/login`, { redirect: 'manual' });
      const browser = new WebBrowser(rig.base);
      let page = await signInThrough(
        browser,
        await browser.go(login.headers.get('location')!),
        MEMBER.email,
        MEMBER.password,
      );
      if (page.body.includes('to sign you in?')) page = await browser.submit(page, formAction(page, /\/consent$/));
      expect(page.url.startsWith(`${exampleUrl}/callback`)).toBe(true);
      const callback = await fetch(page.url, { headers: { cookie: cookieOf(login) }, redirect: 'manual' });
      const session = cookieOf(callback);
      const home = async () => (await fetch(`${exampleUrl}/`, { headers: { cookie: session } })).text();
      expect(await home()).toContain('You are signed in');

      await browser.submit(await browser.go(`${rig.base}/profile`), '/sign-out');
      const deadline = Date.now() + 10_000;
      while ((await home()).includes('You are signed in') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await home()).toContain('You are not signed in');
      const row = async () =>
        rig.t.ctx.db.kysely
          .selectFrom('oidc_logout_deliveries')
          .selectAll()
          .where('client_id', '=', registered.clientId)
          .executeTakeFirstOrThrow();
      while ((await row()).status === 'pending' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await row()).toMatchObject({ status: 'delivered', response_status: 200 });
    } finally {
      await example.close();
    }
  });

  it('signing out through the app notifies it, and keeps its consent: signing in again shows no consent page', async () => {
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config);
    let page = await signInThrough(browser, await browser.go(request.url.toString()), MEMBER.email, MEMBER.password);
    expect(page.body).toContain('to sign you in?');
    page = await browser.submit(page, formAction(page, /\/consent$/));
    const tokens = await redeem(config, request, page.url);
    const sid = tokens.claims()!.sid;

    const logoutUrl = oidcClient.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: RP_LOGGED_OUT,
    });
    const confirm = await browser.go(logoutUrl.toString());
    const done = await browser.submit(confirm, formAction(confirm, /session\/end\/confirm/), { logout: 'yes' });
    expect(done.url.startsWith(RP_LOGGED_OUT)).toBe(true);
    const [token] = await receiver.waitFor(1);
    expect(token).toMatchObject({ sub: memberId, sid });
    // The access token issued under the session's grant no longer works.
    await expect(oidcClient.fetchUserInfo(config, tokens.access_token, memberId)).rejects.toBeTruthy();

    // Signing in again through the app: password, and straight back to the app — no consent page.
    const again = await authRequest(config);
    const back = await signInThrough(browser, await browser.go(again.url.toString()), MEMBER.email, MEMBER.password);
    expect(back.body).not.toContain('to sign you in?');
    expect(back.url.startsWith(RP_CALLBACK), back.body.slice(0, 300)).toBe(true);
    expect((await redeem(config, again, back.url)).claims()!.sub).toBe(memberId);
  });
});
