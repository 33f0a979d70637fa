/** Exemptions and extensions reach an org's webhooks under their audit event names. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { startReceiver, verifyDelivery, type Receiver } from '../helpers/webhook-receiver.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

describe.each(DIALECTS)('exemption webhooks (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let receiver: Receiver;

  beforeEach(async () => {
    t = await createTestApp(dialect, { env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, clockStart: Date.now() });
    ({ owner, orgId } = await setUpOwner(t));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await t.close();
  });

  it('sends exemption.granted, deadline.extended and exemption.ended to endpoints subscribed to them', async () => {
    const events = ['exemption.granted', 'deadline.extended', 'exemption.ended'];
    const named = await owner.post(`/api/v1/orgs/${orgId}/webhooks`, { url: receiver.url, events });
    expect(named.statusCode, named.body).toBe(201);
    const { secret } = named.json() as { secret: string };
    const org = { id: orgId, name: OWNER.orgName, createdAt: '' };
    const nurse = await createMember(t.ctx, OPERATOR, {
      org,
      email: 'nurse@acme.test',
      role: 'staff',
      password: 'quiet-meadow-copper-81',
    });
    const base = `/api/v1/orgs/${orgId}/members/${nurse.id}`;
    const soon = (days: number) => new Date(t.clock.now().getTime() + days * 86_400_000).toISOString();
    expect((await owner.request('PUT', `${base}/exemption`, { reason: 'travel', expiresAt: soon(5) })).statusCode).toBe(
      200,
    );
    expect((await owner.request('PUT', `${base}/deadline`, { deadline: soon(10) })).statusCode).toBe(200);
    expect((await owner.request('DELETE', `${base}/exemption`)).statusCode).toBe(200);
    await receiver.waitFor(3);
    const messages = receiver.received.map((r) => verifyDelivery(secret, r));
    expect(messages.map((m) => m.type).sort()).toEqual([...events].sort());
    for (const m of messages) expect(m.data).toMatchObject({ orgId, target: { email: 'nurse@acme.test' } });
  });
});
