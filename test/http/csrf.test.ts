/**
 * Cross-site request forgery and browser hardening (docs/security.md "Sign-in, sessions, sudo"; docs/api.md "CSRF";
 * OWASP CSRF and Secure Headers cheat sheets): cookie-carrying state changes need our Origin, JSON routes
 * take only JSON, form posts need the signed `_csrf` field; every answer carries the security headers;
 * the session cookie is HttpOnly, SameSite=Lax, and Secure with the __Host- prefix over https.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, ORIGIN, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

interface ParsedCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function setCookies(response: LightMyRequestResponse): ParsedCookie[] {
  const raw = response.headers['set-cookie'];
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  return lines.map((line) => {
    const [pair = '', ...rest] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const attributes = new Map(
      rest.map((attr) => {
        const i = attr.indexOf('=');
        return i === -1 ? [attr.toLowerCase(), ''] : [attr.slice(0, i).toLowerCase(), attr.slice(i + 1)];
      }),
    );
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
  });
}

function expectSecurityHeaders(response: LightMyRequestResponse): void {
  const csp = String(response.headers['content-security-policy'] ?? '');
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values]),
  );
  const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
  expect(scriptSrc).toBeDefined();
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['cache-control']).toBe('no-store');
}

describe.each(DIALECTS)('CSRF defences and browser hardening (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  async function postWithSession(
    client: Client,
    url: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<LightMyRequestResponse> {
    return t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', cookie: `tf_session=${client.cookie('tf_session')}`, ...headers },
      payload: JSON.stringify(body),
    });
  }

  it('a cookie-carrying JSON POST without an Origin header is refused with 403 csrf_failed', async () => {
    const { owner } = await setUpOwner(t);
    const response = await postWithSession(owner, '/api/v1/me/reauthenticate', { password: OWNER.password }, {});
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('csrf_failed');
    // Nothing happened: no re-authentication was audited.
    const rows = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', '=', 'reauthenticated')
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('a cookie-carrying state change from a foreign Origin is refused with 403 csrf_failed', async () => {
    const { owner } = await setUpOwner(t);
    for (const origin of [
      'https://evil.example',
      'http://localhost:3001',
      'http://localhost:3000.evil.example',
      'null',
      'https://localhost:3000',
    ]) {
      const response = await postWithSession(owner, '/api/v1/me/sessions/revoke-all', {}, { origin });
      expect(response.statusCode, origin).toBe(403);
      expect(response.json().error.code).toBe('csrf_failed');
    }
    // The session survived every forged "sign out everywhere".
    expect((await owner.get('/api/v1/session')).statusCode).toBe(200);
    // DELETE is state-changing too.
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie: `tf_session=${owner.cookie('tf_session')}`, origin: 'https://evil.example' },
    });
    expect(del.statusCode).toBe(403);
    expect((await owner.get('/api/v1/session')).statusCode).toBe(200);
  });

  it('the same request with our own Origin passes the check', async () => {
    const { owner } = await setUpOwner(t);
    const response = await postWithSession(
      owner,
      '/api/v1/me/reauthenticate',
      { password: OWNER.password },
      { origin: ORIGIN },
    );
    expect(response.statusCode).toBe(200);
  });

  it('a cross-site form post cannot reach a JSON route: 415 unsupported_media_type', async () => {
    await setUpOwner(t);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      payload: new URLSearchParams({ email: OWNER.email, password: OWNER.password }).toString(),
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('a form post to a page route without a valid _csrf field is refused with 403', async () => {
    const { owner } = await setUpOwner(t);
    const cookie = `tf_session=${owner.cookie('tf_session')}`;
    const attempts: Array<Record<string, string>> = [{}, { _csrf: '' }, { _csrf: 'forged-token-value-1234567890' }];
    for (const fields of attempts) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/sign-out',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, cookie },
        payload: new URLSearchParams(fields).toString(),
      });
      expect(response.statusCode, JSON.stringify(fields)).toBe(403);
    }
    // A forged CSRF cookie paired with a field the attacker chose does not pass either (signed double-submit).
    const doubleSubmit = await t.app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: ORIGIN,
        cookie: `${cookie}; tf_csrf=attacker-chosen-value-12345`,
      },
      payload: new URLSearchParams({ _csrf: 'attacker-chosen-value-12345' }).toString(),
    });
    expect(doubleSubmit.statusCode).toBe(403);
    expect((await owner.get('/api/v1/session')).statusCode).toBe(200);
  });

  it('security headers are on API answers, errors and pages', async () => {
    await setUpOwner(t);
    const anon = new Client(t.app);
    const responses = [
      await anon.get('/healthz'),
      await anon.get('/api/v1/session'),
      await anon.post('/api/v1/sign-in', { email: OWNER.email, password: 'wrong-password-123' }),
      await anon.get('/'),
      await anon.get('/no-such-page'),
      await anon.get('/api/v1/me/sessions/%ZZ'),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 401, 401, 302, 404, 400]);
    expect(String(responses[4]!.headers['content-type'])).toContain('text/html');
    for (const response of responses) expectSecurityHeaders(response);
    expect(responses[5]!.json().error.code).toBe('invalid_request');
  });

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/ and not Secure over http', async () => {
    const client = new Client(t.app);
    const response = await client.post('/api/v1/setup', OWNER);
    expect(response.statusCode).toBe(201);
    const session = setCookies(response).find((c) => c.name === 'tf_session');
    expect(session).toBeDefined();
    expect(session!.value.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
    expect(session!.attributes.has('httponly')).toBe(true);
    expect(session!.attributes.get('samesite')?.toLowerCase()).toBe('lax');
    expect(session!.attributes.get('path')).toBe('/');
    expect(session!.attributes.has('domain')).toBe(false);
    expect(session!.attributes.has('secure')).toBe(false);
  });
});

describe.each(DIALECTS)('cookies and headers over https (%s)', (dialect) => {
  const HTTPS_ORIGIN = 'https://auth.example.test';
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect, { env: { PUBLIC_URL: HTTPS_ORIGIN } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('the session cookie is __Host-tf_session with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain', async () => {
    const client = new Client(t.app);
    const response = await client.request('POST', '/api/v1/setup', OWNER, { origin: HTTPS_ORIGIN });
    expect(response.statusCode).toBe(201);
    const cookies = setCookies(response);
    expect(cookies.find((c) => c.name === 'tf_session')).toBeUndefined();
    const session = cookies.find((c) => c.name === '__Host-tf_session');
    expect(session).toBeDefined();
    expect(session!.attributes.has('secure')).toBe(true);
    expect(session!.attributes.has('httponly')).toBe(true);
    expect(session!.attributes.get('samesite')?.toLowerCase()).toBe('lax');
    expect(session!.attributes.get('path')).toBe('/');
    expect(session!.attributes.has('domain')).toBe(false);
    expect(String(response.headers['strict-transport-security'])).toMatch(/max-age=\d{7,}/);
    // The prefixed cookie is the one that authenticates.
    expect((await client.get('/api/v1/session')).statusCode).toBe(200);
  });

  it('the http origin is foreign once PUBLIC_URL is https', async () => {
    const client = new Client(t.app);
    await client.request('POST', '/api/v1/setup', OWNER, { origin: HTTPS_ORIGIN });
    const response = await client.request(
      'POST',
      '/api/v1/me/sessions/revoke-all',
      {},
      { origin: 'http://auth.example.test' },
    );
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('csrf_failed');
  });
});
