/**
 * Signed webhooks for security events, end to end with a real HTTP receiver that verifies each message with
 * the reference Standard Webhooks implementation: subscription filters, at-least-once delivery from the
 * outbox with retries on the schedule, auto-disable with an email to owners, redelivery, secret rotation with
 * an overlap, the SSRF rules, and who may manage endpoints.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, subjectsTo, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { signedBy, startReceiver, verifyDelivery, type Receiver } from '../helpers/webhook-receiver.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import { deliverDueWebhooks } from '../../src/webhooks/deliver.ts';
import { insertDeliveries } from '../../src/webhooks/store.ts';
import { guardedLookup, isBlockedAddress, parseWebhookUrl } from '../../src/webhooks/targets.ts';
import { WEBHOOKS } from '../../src/config/defaults.ts';

const PASSWORD = 'quiet-meadow-copper-81';

describe.each(DIALECTS)('webhooks (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let receiver: Receiver;

  beforeEach(async () => {
    // Signatures carry a timestamp that receivers check against their own clock: the test clock starts now.
    t = await createTestApp(dialect, { env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, clockStart: Date.now() });
    ({ owner, orgId } = await setUpOwner(t));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await t.close();
  });

  async function register(events: string[], url = receiver.url): Promise<{ id: string; secret: string }> {
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const created = await owner.post(`/api/v1/orgs/${orgId}/webhooks`, { url, events });
    expect(created.statusCode, created.body).toBe(201);
    return created.json() as { id: string; secret: string };
  }

  const policyChange = (grace: number) =>
    owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: grace });

  it('delivers a signed message the reference implementation verifies, with the event and no secrets', async () => {
    const { id, secret } = await register(['*']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const { secret: totpSecret } = await enrolTotp(t, owner, OWNER.password);
    const [first] = await receiver.waitFor(2);
    const types = receiver.received.map((r) => verifyDelivery(secret, r).type);
    expect(types).toEqual(expect.arrayContaining(['factor.added', 'two_factor.enabled']));
    const added = receiver.received.map((r) => verifyDelivery(secret, r)).find((m) => m.type === 'factor.added')!;
    expect(added.data).toMatchObject({ orgId, actor: { email: OWNER.email }, target: { email: OWNER.email } });
    expect(Date.parse(added.timestamp)).toBeGreaterThan(0);
    expect(first!.headers['webhook-id']).toMatch(/^msg_/);
    for (const r of receiver.received) expect(r.body).not.toContain(totpSecret);
    // A tampered body fails verification.
    expect(() => verifyDelivery(secret, { ...first!, body: first!.body.replace('"type"', '"typ"') })).toThrow();
    // The receiver has answered; the deliverer records that answer right after, so read the log once it has.
    type Logged = { status: string; responseStatus: number; attempts: number };
    const readLog = async () =>
      (await owner.get(`/api/v1/orgs/${orgId}/webhooks/${id}/deliveries`)).json().deliveries as Logged[];
    let log = await readLog();
    for (let i = 0; i < 50 && log.some((d) => d.status !== 'delivered'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = await readLog();
    }
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every((d) => d.status === 'delivered' && d.responseStatus === 200 && d.attempts === 1)).toBe(true);
  });

  it('sends only subscribed events; sign-ins only to endpoints that name them', async () => {
    const policyOnly = await register(['policy.changed']);
    const everything = await register(['*']);
    const signIns = await register(['sign_in.succeeded']);
    expect((await policyChange(7)).statusCode).toBe(200);
    expect(
      (await new Client(t.app).post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status,
    ).toBe('signed_in');
    await receiver.waitFor(3);
    await new Promise((r) => setTimeout(r, 200));
    const byEndpoint = new Map<string, string[]>();
    for (const r of receiver.received) {
      for (const [name, hook] of Object.entries({ policyOnly, everything, signIns })) {
        try {
          const message = verifyDelivery(hook.secret, r);
          byEndpoint.set(name, [...(byEndpoint.get(name) ?? []), message.type]);
        } catch {
          // signed for another endpoint
        }
      }
    }
    expect(byEndpoint.get('policyOnly')).toEqual(['policy.changed']);
    expect(byEndpoint.get('everything')).toEqual(['policy.changed']);
    expect(byEndpoint.get('signIns')).toEqual(['sign_in.succeeded']);
  });

  it('retries a failing endpoint on the schedule with the same message id, then delivers', async () => {
    receiver.answers = [500, 503, 200];
    const { id, secret } = await register(['policy.changed']);
    await policyChange(7);
    await receiver.waitFor(1);
    let [delivery] = (await owner.get(`/api/v1/orgs/${orgId}/webhooks/${id}/deliveries`)).json().deliveries as Array<{
      status: string;
      attempts: number;
      lastError: string;
    }>;
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'http_500' });
    // Not due yet: nothing is sent.
    expect(await deliverDueWebhooks(t.ctx)).toBe(0);
    t.clock.advanceSeconds(WEBHOOKS.retryScheduleSeconds[0]!);
    await deliverDueWebhooks(t.ctx);
    t.clock.advanceSeconds(WEBHOOKS.retryScheduleSeconds[1]!);
    expect(await deliverDueWebhooks(t.ctx)).toBe(1);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(signedBy(secret, receiver.received[2]!)).toBe(true);
    expect(
      signedBy('whsec_' + Buffer.from('another secret of 32 bytes......').toString('base64'), receiver.received[2]!),
    ).toBe(false);
    expect(JSON.parse(receiver.received[2]!.body).type).toBe('policy.changed');
    [delivery] = (await owner.get(`/api/v1/orgs/${orgId}/webhooks/${id}/deliveries`)).json().deliveries;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3 });
  });

  it('turns an endpoint off after its last messages all failed, emails the owners, and can send one again once on', async () => {
    receiver.answers = [500];
    const { id } = await register(['policy.changed']);
    for (let i = 1; i <= WEBHOOKS.disableAfterFailedMessages; i++) expect((await policyChange(i)).statusCode).toBe(200);
    await receiver.waitFor(WEBHOOKS.disableAfterFailedMessages);
    for (const wait of WEBHOOKS.retryScheduleSeconds) {
      t.clock.advanceSeconds(wait);
      await deliverDueWebhooks(t.ctx);
    }
    // A pass can meet a retry still held by the one before it: one more pass picks it up, and nothing more goes.
    await deliverDueWebhooks(t.ctx);
    const expected = WEBHOOKS.disableAfterFailedMessages * (WEBHOOKS.retryScheduleSeconds.length + 1);
    await receiver.waitFor(expected);
    await deliverDueWebhooks(t.ctx);
    expect(receiver.received).toHaveLength(expected);
    expect((await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status).toBe(
      'signed_in',
    );
    const [webhook] = (await owner.get(`/api/v1/orgs/${orgId}/webhooks`)).json().webhooks as Array<{
      enabled: boolean;
      disabledReason: string;
    }>;
    expect(webhook).toMatchObject({ enabled: false, disabledReason: 'failing' });
    expect(await subjectsTo(t, OWNER.email)).toContainEqual(
      expect.stringContaining('A webhook of Acme Clinic was turned off'),
    );
    expect(
      await t.ctx.db.kysely.selectFrom('audit_events').select('id').where('event', '=', 'webhook.disabled').execute(),
    ).toHaveLength(1);

    // Redeliver is refused while off; after turning it back on, one message goes again with its old id.
    const [failed] = (await owner.get(`/api/v1/orgs/${orgId}/webhooks/${id}/deliveries`)).json().deliveries as Array<{
      id: string;
      status: string;
    }>;
    expect(failed!.status).toBe('failed');
    expect(
      (await owner.post(`/api/v1/orgs/${orgId}/webhooks/${id}/deliveries/${failed!.id}/redeliver`)).statusCode,
    ).toBe(409);
    expect((await owner.patch(`/api/v1/orgs/${orgId}/webhooks/${id}`, { enabled: true })).statusCode).toBe(200);
    receiver.answers = [200];
    const before = receiver.received.length;
    expect(
      (await owner.post(`/api/v1/orgs/${orgId}/webhooks/${id}/deliveries/${failed!.id}/redeliver`)).statusCode,
    ).toBe(202);
    await receiver.waitFor(before + 1);
    expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(failed!.id);
  });

  it('a rotated secret signs at once; the previous one also signs during the overlap, not after', async () => {
    const { id, secret: old } = await register(['policy.changed']);
    t.clock.advanceSeconds(11 * 60); // the sudo window has closed
    const refused = await owner.post(`/api/v1/orgs/${orgId}/webhooks/${id}/rotate-secret`, { keepOldSecretHours: 1 });
    expect(refused.json().error.code).toBe('reauthentication_required');
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const rotated = await owner.post(`/api/v1/orgs/${orgId}/webhooks/${id}/rotate-secret`, { keepOldSecretHours: 1 });
    const fresh = rotated.json().secret as string;
    expect(fresh).not.toBe(old);
    await policyChange(3);
    const [during] = await receiver.waitFor(1);
    expect(during!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(signedBy(fresh, during!)).toBe(true);
    expect(signedBy(old, during!)).toBe(true);
    t.clock.advanceSeconds(3601);
    // (The session idled out meanwhile: signing in again opens a new one, with a fresh sudo window.)
    expect((await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status).toBe(
      'signed_in',
    );
    await policyChange(4);
    const after = (await receiver.waitFor(2))[1]!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(signedBy(fresh, after)).toBe(true);
    expect(signedBy(old, after)).toBe(false);
  });

  it('only owners and admins manage endpoints; adding needs a fresh re-authentication; bad input is a 400', async () => {
    t.clock.advanceSeconds(11 * 60); // the sign-in's sudo window has closed
    const created = await owner.post(`/api/v1/orgs/${orgId}/webhooks`, { url: receiver.url, events: ['*'] });
    expect(created.json().error.code).toBe('reauthentication_required');
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'nurse@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
    const staff = new Client(t.app);
    await staff.post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD });
    expect((await staff.get(`/api/v1/orgs/${orgId}/webhooks`)).statusCode).toBe(403);
    expect((await owner.get('/api/v1/orgs/no-such-org/webhooks')).statusCode).toBe(404);
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    for (const body of [
      { url: receiver.url, events: ['nope'] },
      { url: receiver.url, events: [] },
      { url: 'not a url', events: ['*'] },
      { url: receiver.url },
    ]) {
      const answer = await owner.post(`/api/v1/orgs/${orgId}/webhooks`, body);
      expect(answer.statusCode, JSON.stringify(body)).toBe(400);
    }
    const audit = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', 'like', 'webhook.%')
      .execute();
    expect(audit).toEqual([]);
  });

  it('refuses loopback, private and link-local targets unless the deployment allows them, also at delivery time', async () => {
    for (const url of [
      'http://example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://localhost/x',
      'https://user:pw@example.com/x',
    ]) {
      expect(() => parseWebhookUrl(url, false), url).toThrow();
    }
    expect(parseWebhookUrl('https://hooks.example.com/twofold', false)).toBe('https://hooks.example.com/twofold');
    expect(isBlockedAddress('192.168.1.1')).toBe(true);
    expect(isBlockedAddress('64:ff9b::a00:1')).toBe(true);
    expect(isBlockedAddress('93.184.215.14')).toBe(false);
    expect(isBlockedAddress('2606:4700::1')).toBe(false);
    // A name that resolves to loopback is refused by the connection's own lookup.
    const lookup = guardedLookup(false);
    const refused = await new Promise<string>((resolve) =>
      lookup('localhost', {}, (error) => resolve((error as { code?: string } | null)?.code ?? 'none')),
    );
    expect(refused).toBe('REFUSED_TARGET');
    // An endpoint registered where private targets were allowed is not reached by an instance where they are not.
    const { id } = await register(['policy.changed']);
    const strict = { ...t.ctx, config: { ...t.ctx.config, webhookAllowPrivateTargets: false } };
    await insertDeliveries(t.ctx, [
      { webhookId: id, eventType: 'policy.changed', payload: '{"type":"policy.changed"}' },
    ]);
    const before = receiver.received.length;
    await deliverDueWebhooks(strict);
    const [delivery] = (await owner.get(`/api/v1/orgs/${orgId}/webhooks/${id}/deliveries`)).json().deliveries as Array<{
      lastError: string;
    }>;
    expect(delivery!.lastError).toBe('refused_target');
    expect(receiver.received.length).toBe(before);
  });

  it('the Webhooks page runs the same flows: add (secret shown once), delivery log, send again, new secret, turn off, delete', async () => {
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const page = `/orgs/${orgId}/webhooks`;
    const added = await owner.submitForm(page, page, { url: receiver.url, events: '*' });
    expect(added.statusCode).toBe(201);
    const secret = /id="webhook-secret">(whsec_[^<]+)</.exec(added.body)?.[1];
    expect(secret).toBeTruthy();
    expect((await owner.get(page)).body).not.toContain(secret!);
    const [webhook] = (await owner.get(`/api/v1/orgs/${orgId}/webhooks`)).json().webhooks as Array<{
      id: string;
      events: string[];
    }>;
    expect(webhook!.events).toEqual(['*']);
    await policyChange(9);
    const [message] = await receiver.waitFor(1);
    expect(verifyDelivery(secret!, message!).type).toBe('policy.changed');
    const detail = `${page}/${webhook!.id}`;
    const log = await owner.get(detail);
    expect(log.body).toContain('policy.changed');
    expect(log.body).toContain('Delivered');
    const messageId = message!.headers['webhook-id']!;
    expect((await owner.submitForm(detail, `${detail}/deliveries/${messageId}/redeliver`, {})).statusCode).toBe(202);
    expect((await receiver.waitFor(2))[1]!.headers['webhook-id']).toBe(messageId);
    const rotated = await owner.submitForm(detail, `${detail}/rotate-secret`, { keepOldSecretHours: '0' });
    expect(rotated.statusCode).toBe(200);
    expect(/id="webhook-secret">(whsec_[^<]+)</.exec(rotated.body)?.[1]).not.toBe(secret);
    expect((await owner.submitForm(detail, `${detail}/toggle`, {})).body).toContain('The endpoint is off');
    expect((await owner.submitForm(detail, `${detail}/delete`, {})).body).toContain('Endpoint deleted.');
    expect((await owner.get(`/api/v1/orgs/${orgId}/webhooks`)).json().webhooks).toEqual([]);
  });
});
