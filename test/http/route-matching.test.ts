/**
 * The rules for JSON API routes follow the route that matched, not the raw URL: the router decodes
 * percent-escapes, so `/%61pi/v1/…` reaches `/api/v1/…` routes and must meet exactly the same rules — the
 * JSON-only body, the enrolment gate, API keys and the JSON branch of the CSRF check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, ORIGIN, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

/** `/api/v1/<rest>` and spellings of it the router decodes to the same route. */
const SPELLINGS = (rest: string): string[] => [
  `/api/v1/${rest}`,
  `/%61pi/v1/${rest}`,
  `/%61%70%69/v1/${rest}`,
  `/api/%761/${rest}`,
  `/api/v1/%${rest.charCodeAt(0).toString(16)}${rest.slice(1)}`,
];
const PASSWORD = 'quiet-meadow-copper-81';

function outcome(response: LightMyRequestResponse): { status: number; code: string | null; json: boolean } {
  const json = String(response.headers['content-type'] ?? '').startsWith('application/json');
  return {
    status: response.statusCode,
    code: json ? ((response.json() as { error?: { code?: string } }).error?.code ?? null) : null,
    json,
  };
}

describe.each(DIALECTS)('API rules follow the matched route (%s)', (dialect) => {
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

  it('a form-encoded POST to an API route is refused 415, however the path is spelled', async () => {
    for (const url of SPELLINGS('password-reset')) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'email=owner%40acme.test',
      });
      expect(outcome(response), url).toEqual({ status: 415, code: 'unsupported_media_type', json: true });
    }
    // A session's JSON call from this origin works on every spelling (the JSON branch of the CSRF check) …
    for (const url of SPELLINGS('me/reauthenticate')) {
      expect(outcome(await owner.post(url, { password: OWNER.password })), url).toEqual({
        status: 200,
        code: null,
        json: true,
      });
    }
    // … and without an Origin header it is refused on every spelling.
    for (const url of SPELLINGS('me/reauthenticate')) {
      expect(outcome(await owner.request('POST', url, { password: OWNER.password }, { origin: '' })), url).toEqual({
        status: 403,
        code: 'csrf_failed',
        json: true,
      });
    }
    // A route nobody has answers JSON too.
    expect(outcome(await owner.get('/%61pi/v1/no-such-route'))).toEqual({ status: 404, code: 'not_found', json: true });
  });

  it('a session whose enrolment is overdue gets 403 two_factor_enrollment_required on every spelling', async () => {
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'staff@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
    expect(
      (await owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: 0 })).statusCode,
    ).toBe(200);
    t.clock.advanceSeconds(60);
    const staff = new Client(t.app, '10.3.0.1');
    expect((await staff.post('/api/v1/sign-in', { email: 'staff@acme.test', password: PASSWORD })).statusCode).toBe(
      200,
    );
    for (const rest of ['orgs', 'me/sessions', 'me/api-keys']) {
      for (const url of SPELLINGS(rest)) {
        expect(outcome(await staff.get(url)), url).toEqual({
          status: 403,
          code: 'two_factor_enrollment_required',
          json: true,
        });
      }
    }
    // The enrolment routes stay open on every spelling.
    for (const url of SPELLINGS('me/factors'))
      expect(outcome(await staff.get(url)), url).toEqual({ status: 200, code: null, json: true });
  });

  it('an API key works and fails exactly as on /api/', async () => {
    const personal = (await owner.post('/api/v1/me/api-keys', { name: 'sync', scope: 'read' })).json().key as string;
    const orgKey = (await owner.post(`/api/v1/orgs/${orgId}/api-keys`, { name: 'directory', scope: 'read' })).json()
      .key as string;
    const machine = new Client(t.app, '10.9.9.9');
    const bearer = (key: string, url: string, method: 'GET' | 'POST' = 'GET') =>
      machine.request(method, url, method === 'POST' ? {} : undefined, { authorization: `Bearer ${key}`, origin: '' });
    const encodedOrg = encodeURIComponent(orgId).replace(/^./, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const cases: Array<[string, string, 'GET' | 'POST', { status: number; code: string | null; json: boolean }]> = [
      ['personal key, read', personal, 'GET', { status: 200, code: null, json: true }],
      ['org key outside its org', orgKey, 'GET', { status: 403, code: 'forbidden', json: true }],
      ['read-only key writing', personal, 'POST', { status: 403, code: 'forbidden', json: true }],
      ['unknown key', `tf_${'b'.repeat(36)}`, 'GET', { status: 401, code: 'unauthenticated', json: true }],
    ];
    for (const [name, key, method, expected] of cases) {
      for (const url of SPELLINGS(method === 'GET' ? 'me/sessions' : 'me/sessions/revoke-all')) {
        expect(outcome(await bearer(key, url, method)), `${name}: ${url}`).toEqual(expected);
      }
    }
    for (const url of [...SPELLINGS(`orgs/${orgId}/members`), `/api/v1/orgs/${encodedOrg}/members`]) {
      expect(outcome(await bearer(orgKey, url)), url).toEqual({ status: 200, code: null, json: true });
    }
  });
});
