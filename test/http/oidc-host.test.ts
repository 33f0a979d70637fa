/**
 * Every absolute URL of the OpenID Connect provider is on PUBLIC_URL, whatever Host or X-Forwarded-Host the
 * request carries: discovery, the redirect to the sign-in steps, the interaction's return address, and the
 * sign-out pages. (A proxy passing its upstream's name, e.g. nginx's default `Host: 127.0.0.1:3000`, or an
 * attacker's Host must never reach an app.)
 */
import * as oidcClient from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, ORIGIN, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { RP_CALLBACK, RP_LOGGED_OUT } from '../helpers/oidc.ts';

const CASES = [
  { name: 'Host: evil.example', env: {}, headers: { host: 'evil.example' } },
  { name: 'an upstream Host (a proxy without proxy_set_header Host)', env: {}, headers: { host: '127.0.0.1:3000' } },
  {
    name: 'X-Forwarded-Host: evil.example with TRUST_PROXY=true',
    env: { TRUST_PROXY: 'true' },
    headers: { host: 'localhost:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
  },
] as const;

const COOKIES = [
  'tf_session',
  'tf_csrf',
  'tf_device',
  'tf_oidc_session',
  'tf_oidc_interaction',
  'tf_oidc_resume',
].flatMap((n) => [n, `${n}.sig`]);

/** The browser's cookies, for a form post with extra headers. */
function cookieHeader(client: Client): string {
  return COOKIES.filter((n) => client.cookie(n) !== undefined)
    .map((n) => `${n}=${client.cookie(n)}`)
    .join('; ');
}

/** Every absolute http(s) URL in a text (a JSON document, a page, a header). */
function absoluteUrls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>]+/g)]
    .map((m) => m[0])
    .filter((u) => !u.startsWith('http://www.w3.org/'));
}

describe.each(DIALECTS)('OpenID Connect URLs come from PUBLIC_URL (%s)', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  async function withApp(env: Record<string, string>): Promise<{ owner: Client; clientId: string }> {
    t = await createTestApp(dialect, { env });
    const { owner, orgId } = await setUpOwner(t);
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const created = await owner.post(`/api/v1/orgs/${orgId}/oidc-clients`, {
      name: 'Portal',
      kind: 'confidential',
      redirectUris: [RP_CALLBACK],
      postLogoutRedirectUris: [RP_LOGGED_OUT],
    });
    expect(created.statusCode, created.body).toBe(201);
    return { owner, clientId: (created.json() as { client: { clientId: string } }).client.clientId };
  }

  it.each(CASES)('discovery, authorize, the return address and sign-out with $name', async ({ env, headers }) => {
    const { owner, clientId } = await withApp(env);
    const expectOnPublicUrl = (urls: string[], what: string): void => {
      for (const url of urls) expect(new URL(url).origin, `${what}: ${url}`).toBe(ORIGIN);
    };

    const discovery = await t.app.inject({ method: 'GET', url: '/oidc/.well-known/openid-configuration', headers });
    expect(discovery.statusCode).toBe(200);
    const metadata = discovery.json() as Record<string, unknown>;
    expect(metadata.issuer).toBe(`${ORIGIN}/oidc`);
    expect(metadata.authorization_endpoint).toBe(`${ORIGIN}/oidc/auth`);
    expect(metadata.end_session_endpoint).toBe(`${ORIGIN}/oidc/session/end`);
    expect(absoluteUrls(discovery.body).length).toBeGreaterThan(5);
    expectOnPublicUrl(absoluteUrls(discovery.body), 'discovery');

    // The app's request, in the owner's (signed-in) browser.
    const verifier = oidcClient.randomPKCECodeVerifier();
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: RP_CALLBACK,
      response_type: 'code',
      scope: 'openid email',
      state: 'st',
      nonce: 'nn',
      code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const authorize = await owner.request('GET', `/oidc/auth?${query}`, undefined, headers);
    expect(authorize.statusCode).toBe(303);
    const steps = String(authorize.headers.location);
    expect(steps).toMatch(new RegExp(`^${ORIGIN}/authorize/[A-Za-z0-9_-]+$`));

    // The sign-in steps hand the browser back to the provider at the return address saved with the request.
    const step = await owner.request('GET', new URL(steps).pathname, undefined, headers);
    expect(step.statusCode, step.body).toBe(303);
    const returnTo = String(step.headers.location);
    expect(returnTo).toMatch(new RegExp(`^${ORIGIN}/oidc/auth/[A-Za-z0-9_-]+$`));
    const resumed = await owner.request('GET', new URL(returnTo).pathname, undefined, headers);
    expect(resumed.statusCode).toBe(303);
    // Then consent, a page of twofold's whose "continuing" page moves on to the same kind of address.
    const consentAt = String(resumed.headers.location);
    expect(consentAt).toMatch(new RegExp(`^${ORIGIN}/authorize/[A-Za-z0-9_-]+$`));
    const consentPage = await owner.request('GET', new URL(consentAt).pathname, undefined, headers);
    expect(consentPage.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(consentPage.body)?.[1] ?? '';
    const consented = await t.app.inject({
      method: 'POST',
      url: `${new URL(consentAt).pathname}/consent`,
      headers: {
        ...headers,
        origin: ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieHeader(owner),
      },
      payload: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(consented.statusCode, consented.body).toBe(200);
    const onward =
      /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(consented.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(onward).toMatch(new RegExp(`^${ORIGIN}/oidc/auth/[A-Za-z0-9_-]+$`));
    const toApp = await owner.request('GET', new URL(onward).pathname, undefined, headers);
    expect(String(toApp.headers.location)).toMatch(/^http:\/\/localhost:7777\/callback\?code=/);

    // Sign-out at the app's request: the confirmation form and the page after it.
    const end = await owner.request('GET', `/oidc/session/end?client_id=${clientId}`, undefined, headers);
    expect(end.statusCode).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(end.body)?.[1] ?? '';
    expect(action).toBe(`${ORIGIN}/oidc/session/end/confirm`);
    expectOnPublicUrl(absoluteUrls(end.body), 'sign-out page');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(end.body)?.[1] ?? '';
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/oidc/session/end/confirm',
      headers: {
        ...headers,
        origin: ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieHeader(owner),
        'x-forwarded-for': '198.51.100.66',
      },
      payload: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(303);
    expect(String(confirmed.headers.location)).toBe(`${ORIGIN}/oidc/session/end/success`);
    // The provider sees the client address Fastify resolved: X-Forwarded-For only counts under TRUST_PROXY.
    const signedOut = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('ip')
      .where('event', '=', 'sign_out')
      .executeTakeFirstOrThrow();
    expect(signedOut.ip).toBe('TRUST_PROXY' in env ? '198.51.100.66' : '127.0.0.1');
    for (const response of [discovery, authorize, step, resumed, consentPage, consented, toApp, end, confirmed]) {
      expect(JSON.stringify(response.headers)).not.toContain('evil.example');
      expect(JSON.stringify(response.headers)).not.toContain('127.0.0.1:3000');
      expect(response.body).not.toContain('evil.example');
    }
  });
});
