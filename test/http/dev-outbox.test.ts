/**
 * The development outbox shows reset and recovery links and SMS codes, so it opens only to a client on this
 * machine or a signed-in org owner/admin. "On this machine" is the socket's peer, and through a proxy the
 * forwarded client address — believed only per TRUST_PROXY.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const REMOTE = '203.0.113.50';
const STAFF = { email: 'nurse@acme.test', password: 'quiet-meadow-copper-81' };

describe.each(DIALECTS)('who may read /dev/outbox (%s)', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  async function app(env: Record<string, string> = {}): Promise<string> {
    t = await createTestApp(dialect, { env });
    return (await setUpOwner(t)).orgId;
  }

  const outbox = (ip: string, headers: Record<string, string> = {}) =>
    new Client(t.app, ip).request('GET', '/dev/outbox', undefined, headers);

  it('an anonymous visitor from another machine gets 403 saying who may read it; loopback clients get the page', async () => {
    await app();
    const refused = await outbox(REMOTE);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(
      'Only someone on the machine running this server (a loopback address) or a signed-in owner or admin of an organization can read it.',
    );
    expect(refused.body).not.toContain('mail-item');
    for (const ip of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) {
      const page = await outbox(ip);
      expect(page.statusCode, ip).toBe(200);
      expect(page.body).toContain('Only someone on the machine running this server');
    }
  });

  it('a signed-in owner from another machine reads it; a staff member from another machine does not', async () => {
    const orgId = await app();
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: STAFF.email,
      role: 'staff',
      password: STAFF.password,
    });
    const owner = new Client(t.app, REMOTE);
    expect((await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status).toBe(
      'signed_in',
    );
    const page = await owner.get('/dev/outbox');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Outbox');
    const staff = new Client(t.app, REMOTE);
    expect((await staff.post('/api/v1/sign-in', { email: STAFF.email, password: STAFF.password })).json().status).toBe(
      'signed_in',
    );
    expect((await staff.get('/dev/outbox')).statusCode).toBe(403);
  });

  it('without TRUST_PROXY, a request relayed by a proxy on this machine is not local, whatever it forwards', async () => {
    await app();
    expect((await outbox('127.0.0.1', { 'x-forwarded-for': REMOTE })).statusCode).toBe(403);
    expect((await outbox('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(403);
    expect((await outbox('127.0.0.1', { 'x-real-ip': REMOTE })).statusCode).toBe(403);
    expect((await outbox('127.0.0.1', { forwarded: `for=${REMOTE}` })).statusCode).toBe(403);
  });

  it('with TRUST_PROXY naming the local proxy, the forwarded client address decides', async () => {
    await app({ TRUST_PROXY: '127.0.0.1' });
    expect((await outbox('127.0.0.1', { 'x-forwarded-for': REMOTE })).statusCode).toBe(403);
    expect((await outbox('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(200);
    expect((await outbox('127.0.0.1')).statusCode).toBe(200);
    // A proxy that forwards without X-Forwarded-For tells us nothing we believe.
    expect((await outbox('127.0.0.1', { 'x-real-ip': '127.0.0.1' })).statusCode).toBe(403);
    // A client elsewhere claiming to be local is not believed: its peer is no trusted proxy.
    expect((await outbox(REMOTE, { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(403);
  });
});
