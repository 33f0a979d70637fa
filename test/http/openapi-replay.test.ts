/**
 * The OpenAPI document against real answers: a scripted run of the main flows (first-run setup, sign-in with
 * a second step, factors, backup codes, sessions, the org's policy, members, invitations, API keys, apps,
 * webhooks, forward-auth hosts, and refusals) records every /api/v1 answer; each one must match the schema
 * the document gives for its route, method and status (JSON Schema 2020-12, with ajv), and an error's code
 * must be one the operation lists. Also: every /api/v1 operation declares its success answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

interface OperationDoc {
  responses: Record<string, { content?: { 'application/json': { schema: unknown } } }>;
  'x-error-codes': string[];
}
type Document = { paths: Record<string, Record<string, OperationDoc>>; components: unknown };

/** Drives the main flows over the JSON API; `t.captured` records the answers. */
async function mainFlows(t: TestApp): Promise<void> {
  const anonymous = new Client(t.app);
  await anonymous.get('/api/v1/setup');
  const { owner, orgId } = await setUpOwner(t);
  await anonymous.get('/api/v1/session');
  await anonymous.post('/api/v1/sign-in', { email: OWNER.email, password: 'wrong-password-123' });
  await anonymous.post('/api/v1/sign-in', { email: 3 });

  const { secret, factorId } = await enrolTotp(t, owner, OWNER.password);
  await owner.get('/api/v1/session');
  await owner.get('/api/v1/me');
  await owner.get('/api/v1/me/factors');
  await owner.patch(`/api/v1/me/factors/${factorId}`, { label: 'Phone app' });
  await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password });
  await owner.post('/api/v1/me/backup-codes');
  await owner.get('/api/v1/me/sessions');
  await owner.get('/api/v1/me/trusted-devices');
  await owner.get('/api/v1/me/audit');
  await owner.get('/api/v1/me/apps');
  await owner.get('/api/v1/orgs');

  // A second browser: password, then the second step.
  const browser = new Client(t.app, '127.0.0.2');
  await browser.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
  await browser.post('/api/v1/sign-in/verify', { method: 'totp', code: '000000' });
  t.clock.advanceSeconds(30);
  await browser.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
  t.clock.advanceSeconds(30);
  await browser.get('/api/v1/me/factors');
  await browser.delete('/api/v1/session');
  await browser.get('/api/v1/me');
  // A third, trusted browser: its device and its session are removed from the first.
  const trusted = new Client(t.app, '127.0.0.3');
  await trusted.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
  await trusted.post('/api/v1/sign-in/verify', {
    method: 'totp',
    code: codeAt(secret, t.clock.now()),
    trustDevice: true,
  });
  t.clock.advanceSeconds(30);
  const devices = (await owner.get('/api/v1/me/trusted-devices')).json() as { devices?: Array<{ id: string }> };
  for (const device of devices.devices ?? []) await owner.delete(`/api/v1/me/trusted-devices/${device.id}`);
  const sessions = (await owner.get('/api/v1/me/sessions')).json() as {
    sessions: Array<{ id: string; current: boolean }>;
  };
  for (const other of sessions.sessions.filter((s) => !s.current))
    await owner.delete(`/api/v1/me/sessions/${other.id}`);
  await owner.delete('/api/v1/me/apps/tfc_unknown');

  // The org.
  const org = `/api/v1/orgs/${orgId}`;
  await owner.get(`${org}/policy`);
  await owner.patch(`${org}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: 7 });
  await owner.patch(`${org}/policy`, { requireTwoFactor: 'sometimes' });
  await owner.get(`${org}/policy/preview?requireTwoFactor=everyone`);
  await owner.get(`${org}/members`);
  await owner.get(`${org}/compliance`);
  await owner.get(`${org}/audit`);
  const invited = await owner.post(`${org}/invitations`, { email: 'new@acme.test', role: 'staff' });
  await owner.get(`${org}/invitations`);
  const invitationId = (invited.json() as { invitation?: { id: string }; id?: string }).invitation?.id;
  if (invitationId) await owner.delete(`${org}/invitations/${invitationId}`);
  await owner.get(`${org}/members/nobody`);
  const member = await createMember(t.ctx, OPERATOR, {
    org: { id: orgId, name: OWNER.orgName, createdAt: '' },
    email: 'nurse@acme.test',
    role: 'staff',
    password: 'quiet-meadow-copper-81',
  });
  await owner.patch(`${org}/members/${member.id}`, { role: 'client' });

  await owner.post('/api/v1/me/reauthenticate', {
    password: OWNER.password,
    method: 'totp',
    code: codeAt(secret, t.clock.now()),
  });
  t.clock.advanceSeconds(30);
  const key = await owner.post(`${org}/api-keys`, { name: 'Reports', scope: 'read' });
  await owner.get(`${org}/api-keys`);
  const keyId = (key.json() as { apiKey?: { id: string } }).apiKey?.id;
  if (keyId) await owner.delete(`${org}/api-keys/${keyId}`);
  const mine = await owner.post('/api/v1/me/api-keys', { name: 'Script' });
  await owner.get('/api/v1/me/api-keys');
  const mineId = (mine.json() as { apiKey?: { id: string } }).apiKey?.id;
  if (mineId) await owner.delete(`/api/v1/me/api-keys/${mineId}`);

  const app = await owner.post(`${org}/oidc-clients`, {
    name: 'Portal',
    kind: 'confidential',
    redirectUris: ['https://portal.example.com/callback'],
  });
  const clientId = (app.json() as { client: { clientId: string } }).client.clientId;
  await owner.get(`${org}/oidc-clients`);
  await owner.get(`${org}/oidc-clients/${clientId}`);
  await owner.patch(`${org}/oidc-clients/${clientId}`, {
    name: 'Portal',
    redirectUris: ['https://portal.example.com/callback'],
    backchannelLogoutUri: 'https://portal.example.com/backchannel',
  });
  await owner.post(`${org}/oidc-clients/${clientId}/rotate-secret`, { keepOldSecretHours: 1 });
  await owner.delete(`${org}/oidc-clients/${clientId}`);

  const hook = await owner.post(`${org}/webhooks`, { url: 'https://hooks.example.com/twofold', events: ['*'] });
  const webhookId =
    (hook.json() as { id?: string; webhook?: { id: string } }).webhook?.id ?? (hook.json() as { id?: string }).id;
  await owner.get(`${org}/webhooks`);
  if (webhookId) {
    await owner.patch(`${org}/webhooks/${webhookId}`, { events: ['factor.added'] });
    await owner.get(`${org}/webhooks/${webhookId}/deliveries`);
    await owner.post(`${org}/webhooks/${webhookId}/rotate-secret`, { keepOldSecretHours: 0 });
    await owner.delete(`${org}/webhooks/${webhookId}`);
  }
  const host = await owner.post(`${org}/forward-auth-hosts`, { host: 'wiki.example.com', requireTwoFactor: true });
  await owner.get(`${org}/forward-auth-hosts`);
  const hostId = (host.json() as { host?: { id: string } }).host?.id;
  if (hostId) await owner.delete(`${org}/forward-auth-hosts/${hostId}`);

  await owner.get(`${org}/branding`);
  await owner.patch(`${org}/branding`, { displayName: 'Acme Care', accentColor: '#0b5394' });
  await owner.patch(`${org}/branding`, { accentColor: '#ffcc00' });
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  await owner.putBytes(`${org}/branding/logo`, png, 'image/png');
  await owner.putBytes(
    `${org}/branding/logo`,
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    'image/svg+xml',
  );
  await owner.putBytes(`${org}/branding/logo`, Buffer.alloc(300 * 1024), 'image/png');
  await owner.delete(`${org}/branding/logo`);

  await owner.post(`${org}/members/${member.id}/suspend`, { reason: 'audit' });
  await owner.post(`${org}/members/${member.id}/reactivate`, { reason: 'done' });
  await owner.post(`${org}/members/${member.id}/reset-two-factor`, { reason: 'lost phone' });
  await owner.delete(`${org}/members/${member.id}`);
  await owner.post('/api/v1/me/sessions/revoke-all');
  await owner.get('/api/v1/me');
}

describe.each(DIALECTS)('OpenAPI document against real answers (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('every /api/v1 operation declares its success answers and error codes', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
    const missing: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      if (!path.startsWith('/api/v1')) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!Object.keys(op.responses).some((s) => /^2\d\d$/.test(s))) missing.push(`${method} ${path}`);
        expect(op['x-error-codes'].length).toBeGreaterThan(0);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the answers of the main flows match the document', async () => {
    await mainFlows(t);
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'twofold', components: document.components }, 'twofold');
    const compiled = new Map<string, ValidateFunction>();
    const mismatches: string[] = [];
    const seen = new Set<string>();
    for (const answer of t.captured) {
      const path = answer.route.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = document.paths[path]?.[answer.method.toLowerCase()];
      const where = `${answer.method} ${answer.route} ${answer.status}`;
      seen.add(`${answer.method} ${answer.route}`);
      if (!op) {
        mismatches.push(`${where}: not in the document`);
        continue;
      }
      const declared = op.responses[String(answer.status)];
      if (!declared) {
        mismatches.push(`${where}: status not declared`);
        continue;
      }
      const body: unknown = answer.body ? JSON.parse(answer.body) : undefined;
      if (answer.status >= 400) {
        const code = (body as { error: { code: string } }).error.code;
        if (!op['x-error-codes'].includes(code)) mismatches.push(`${where}: error code ${code} not listed`);
      }
      const schema = declared.content?.['application/json'].schema;
      if (!schema) {
        if (body !== undefined) mismatches.push(`${where}: a body where none is declared`);
        continue;
      }
      const text = JSON.stringify(schema).replaceAll('"#/components', '"twofold#/components');
      const validate = compiled.get(text) ?? ajv.compile(JSON.parse(text) as object);
      compiled.set(text, validate);
      if (!validate(body))
        mismatches.push(`${where}: ${ajv.errorsText(validate.errors)} in ${answer.body.slice(0, 300)}`);
    }
    expect(mismatches).toEqual([]);
    // The run reaches the main routes (so a route that stops answering is noticed).
    expect(seen.size).toBeGreaterThan(40);
  });
});
