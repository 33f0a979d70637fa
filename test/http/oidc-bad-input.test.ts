/**
 * Junk sent to the OpenID Connect endpoints and the app sign-in pages: always a 4xx with a standard OAuth
 * error (or twofold's error page), never a 5xx, and the server keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { registerApp, RP_CALLBACK, startOidcRig, type OidcRig } from '../helpers/oidc.ts';

describe.each(DIALECTS)('bad input to the OpenID Connect endpoints (%s)', (dialect) => {
  let rig: OidcRig;
  let clientId: string;

  beforeAll(async () => {
    rig = await startOidcRig(dialect, {}, 'warn');
    ({ clientId } = await registerApp(rig, OWNER.password));
  });
  afterAll(async () => {
    await rig.close();
  });

  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const cases: Array<[string, string, RequestInit]> = [
    ['token: no body', '/oidc/token', { method: 'POST' }],
    [
      'token: JSON instead of a form',
      '/oidc/token',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' },
    ],
    ['token: unknown grant', '/oidc/token', form({ grant_type: 'password', username: 'a', password: 'b' })],
    [
      'token: unknown client',
      '/oidc/token',
      form({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: 'nope',
        client_secret: 'nope',
        redirect_uri: RP_CALLBACK,
      }),
    ],
    [
      'token: junk code',
      '/oidc/token',
      form({
        grant_type: 'authorization_code',
        code: '\u0000'.repeat(10),
        client_id: 'tfc_x',
        redirect_uri: RP_CALLBACK,
        code_verifier: 'a'.repeat(43),
      }),
    ],
    [
      'token: repeated parameters',
      '/oidc/token',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token&grant_type=refresh_token&refresh_token=a',
      },
    ],
    [
      'token: very long client id',
      '/oidc/token',
      form({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'x'.repeat(5000) }),
    ],
    ['auth: nothing', '/oidc/auth', {}],
    [
      'auth: unknown response type',
      '/oidc/auth?client_id=CLIENT&response_type=token&scope=openid&redirect_uri=' + encodeURIComponent(RP_CALLBACK),
      {},
    ],
    ['auth: malformed percent escape', '/oidc/auth?client_id=%E0%A4%A&scope=openid', {}],
    ['auth: request object', '/oidc/auth?client_id=CLIENT&request=eyJ.eyJ.x&response_type=code&scope=openid', {}],
    ['userinfo: junk bearer', '/oidc/me', { headers: { authorization: 'Bearer ' + 'a'.repeat(3000) } }],
    ['revocation: unauthenticated', '/oidc/token/revocation', form({ token: 'x' })],
    [
      'end session: junk hint',
      '/oidc/session/end?id_token_hint=not.a.jwt&post_logout_redirect_uri=https%3A%2F%2Fevil.example',
      {},
    ],
    ['jwks: POST', '/oidc/jwks', { method: 'POST' }],
    ['unknown endpoint', '/oidc/../../etc/passwd', {}],
    ['interaction page: unknown request', '/authorize/abc', {}],
    ['interaction page: junk id', '/authorize/%00%00', {}],
  ];

  it.each(cases)('%s → 4xx, never 5xx', async (_name, path, init) => {
    const response = await fetch(`${rig.base}${path.replace('CLIENT', clientId)}`, { redirect: 'manual', ...init });
    const body = await response.text();
    expect(response.status, body.slice(0, 300)).toBeGreaterThanOrEqual(300);
    expect(response.status, body.slice(0, 300)).toBeLessThan(500);
    if (response.status >= 300 && response.status < 400)
      expect(response.headers.get('location') ?? '').not.toContain('evil.example');
  });

  it('still answers discovery afterwards', async () => {
    expect((await fetch(`${rig.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });
});
