/**
 * The real delivery adapters against a local HTTP server standing in for the provider: Twilio's Messages
 * and Calls APIs (path, basic auth, form fields, TwiML reading the digits twice), the signed webhook
 * (the receiver checks the HMAC over "timestamp.body" and the timestamp's age), and a provider that is
 * down, slow, failing or refusing → 502 delivery_failed, audited by class, nothing counted against the person.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { PHONE_NUMBER } from '../helpers/phone.ts';
import { hmacSha256Hex, constantTimeEqual } from '../../src/crypto/index.ts';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-auth-token-for-tests-0001';
const FROM = '+15005550006';
const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789abcdef';

type Mode = 'ok' | 'status500' | 'status400' | 'slow' | 'badBody';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in provider: records every request and answers as `mode` says. */
async function fakeProvider(): Promise<{
  url: string;
  received: Received[];
  setMode(m: Mode): void;
  setVerify(fn: (r: Received) => boolean): void;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let mode: Mode = 'ok';
  const state: { verify?: (r: Received) => boolean } = {};
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const entry = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      received.push(entry);
      if (mode === 'slow') return setTimeout(() => res.writeHead(201).end('{"sid":"late"}'), 2000).unref();
      if (mode === 'status500') return res.writeHead(500).end('{"message":"boom"}');
      if (mode === 'status400' || (state.verify && !state.verify(entry)))
        return res.writeHead(400).end('{"code":21211}');
      if (mode === 'badBody')
        return res.writeHead(201, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ sid: 'SM0001', status: 'queued' }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setMode(m) {
      mode = m;
    },
    setVerify(fn) {
      state.verify = fn;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How a webhook receiver checks a request (docs/sms-webhook.md). */
function verifyWebhook(secret: string, r: Received, nowSeconds: number): boolean {
  const timestamp = String(r.headers['x-twofold-timestamp'] ?? '');
  const signature = String(r.headers['x-twofold-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  return constantTimeEqual(signature, `v1=${hmacSha256Hex(secret, `${timestamp}.${r.body}`)}`);
}

describe.each(DIALECTS)('phone delivery providers (%s)', (dialect) => {
  let provider: Awaited<ReturnType<typeof fakeProvider>>;
  let t: TestApp;
  let owner: Client;

  async function start(env: Record<string, string>): Promise<void> {
    t = await createTestApp(dialect, { env: { SMS_PROVIDER_TIMEOUT_MS: '300', ...env } });
    ({ owner } = await setUpOwner(t));
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
  }
  const twilioEnv = (base: string): Record<string, string> => ({
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: FROM,
    TWILIO_BASE_URL: base,
  });

  beforeEach(async () => {
    provider = await fakeProvider();
  });
  afterEach(async () => {
    await t?.close();
    await provider.close();
  });

  it('Twilio: SMS through the Messages API, then a call through the Calls API reading the digits twice', async () => {
    await start(twilioEnv(provider.url));
    const started = await owner.post('/api/v1/me/factors/phone', { phone: PHONE_NUMBER, channel: 'sms' });
    expect(started.statusCode, started.body).toBe(202);
    const sms = provider.received[0]!;
    expect(sms.method).toBe('POST');
    expect(sms.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(sms.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(sms.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(sms.body);
    expect([...form.keys()].sort()).toEqual(['Body', 'From', 'To']);
    expect(form.get('To')).toBe(PHONE_NUMBER);
    expect(form.get('From')).toBe(FROM);
    const code = /^(\d{6}) is your twofold verification code/.exec(form.get('Body')!)![1]!;
    expect(form.get('Body')).toMatch(new RegExp(`\n@localhost #${code}$`));
    expect(
      (await owner.post('/api/v1/me/factors/phone/confirm', { enrollmentId: started.json().enrollmentId, code }))
        .statusCode,
    ).toBe(200);

    const client = new Client(t.app);
    await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect((await client.post('/api/v1/sign-in/send', { method: 'voice' })).statusCode).toBe(202);
    const call = provider.received[1]!;
    expect(call.path).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    const callForm = new URLSearchParams(call.body);
    expect(callForm.get('To')).toBe(PHONE_NUMBER);
    expect(callForm.get('From')).toBe(FROM);
    const twiml = callForm.get('Twiml')!;
    expect(twiml).toMatch(/^<Response><Say>.*<\/Say><Pause length="1"\/><Say>.*<\/Say><\/Response>$/);
    const says = [...twiml.matchAll(/<Say>([^<]*)<\/Say>/g)].map((m) => m[1]!);
    expect(says).toHaveLength(2);
    const spoken = says.map((s) => /((?:\d, )+\d)\.$/.exec(s)![1]!);
    expect(spoken[0]).toBe(spoken[1]);
    expect(spoken[0]).toMatch(/^\d(, \d){5}$/);
    expect(
      (await client.post('/api/v1/sign-in/verify', { method: 'voice', code: spoken[0]!.replace(/, /g, '') }))
        .statusCode,
    ).toBe(200);
    expect((await client.get('/api/v1/session')).json().amr).toEqual(['pwd', 'tel', 'mfa']);
  });

  it('webhook: a signed JSON POST the receiver can verify; a receiver refusing the signature is a failed delivery', async () => {
    await start({
      SMS_PROVIDER: 'webhook',
      SMS_WEBHOOK_URL: `${provider.url}/hooks/sms`,
      SMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    provider.setVerify((r) => verifyWebhook(WEBHOOK_SECRET, r, Math.floor(t.clock.now().getTime() / 1000)));
    const started = await owner.post('/api/v1/me/factors/phone', { phone: PHONE_NUMBER, channel: 'voice' });
    expect(started.statusCode, started.body).toBe(202);
    const hook = provider.received[0]!;
    expect(hook.path).toBe('/hooks/sms');
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.headers['x-twofold-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    const payload = JSON.parse(hook.body) as { to: string; channel: string; message: string; code: string };
    expect(Object.keys(payload).sort()).toEqual(['channel', 'code', 'message', 'to']);
    expect(payload).toMatchObject({ to: PHONE_NUMBER, channel: 'voice' });
    expect(payload.message).toContain(payload.code.split('').join(', '));
    expect(
      (
        await owner.post('/api/v1/me/factors/phone/confirm', {
          enrollmentId: started.json().enrollmentId,
          code: payload.code,
        })
      ).statusCode,
    ).toBe(200);
    // A receiver with another secret refuses (4xx): the person sees delivery_failed.
    provider.setVerify((r) =>
      verifyWebhook('not-the-secret-0123456789abcdefghijkl', r, Math.floor(t.clock.now().getTime() / 1000)),
    );
    const client = new Client(t.app);
    await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const refused = await client.post('/api/v1/sign-in/send', { method: 'sms' });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.failure).toBe('rejected');
  });

  async function countersOf(userId: string) {
    const limits = await t.ctx.db.kysely
      .selectFrom('rate_limits')
      .select(['key', 'count'])
      .where('key', 'like', 'phone:%')
      .orderBy('key')
      .execute();
    const attempts = await t.ctx.db.kysely
      .selectFrom('attempt_counters')
      .select(['key', 'failures'])
      .where('key', '=', `2fa:${userId}`)
      .execute();
    const challenges = await t.ctx.db.kysely
      .selectFrom('challenges')
      .select(['id', 'failures'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
    return JSON.stringify({
      limits: limits.filter((l) => Number(l.count) > 0).map((l) => [l.key, Number(l.count)]),
      attempts: attempts.map((a) => Number(a.failures)),
      challenges: challenges.map((c) => Number(c.failures)),
    });
  }

  const failures: Array<[string, Mode | 'down', string]> = [
    ['down (closed port)', 'down', 'network'],
    ['slow (past the timeout)', 'slow', 'network'],
    ['failing (500)', 'status500', 'unexpected'],
    ['answering nonsense (201 with HTML)', 'badBody', 'unexpected'],
    ['refusing the message (400)', 'status400', 'rejected'],
  ];

  it.each(failures)(
    'a provider %s → 502 delivery_failed, audited, nothing counted against the person',
    async (_name, mode, failure) => {
      const base = mode === 'down' ? `http://127.0.0.1:${await closedPort()}` : provider.url;
      await start(twilioEnv(base));
      provider.setMode('ok');
      const userId = (await owner.get('/api/v1/session')).json().user.id as string;
      // Sign-in needs a factor first: add the phone while the provider works (only for the reachable one).
      if (mode !== 'down') {
        const started = await owner.post('/api/v1/me/factors/phone', { phone: PHONE_NUMBER, channel: 'sms' });
        const code = /^(\d{6})/.exec(new URLSearchParams(provider.received[0]!.body).get('Body')!)![1]!;
        expect(
          (await owner.post('/api/v1/me/factors/phone/confirm', { enrollmentId: started.json().enrollmentId, code }))
            .statusCode,
        ).toBe(200);
        provider.setMode(mode);
      }
      const before = await countersOf(userId);
      const attempt =
        mode === 'down'
          ? await owner.post('/api/v1/me/factors/phone', { phone: PHONE_NUMBER, channel: 'sms' })
          : await (async () => {
              const client = new Client(t.app);
              await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
              const sendBefore = await countersOf(userId);
              const response = await client.post('/api/v1/sign-in/send', { method: 'voice' });
              expect(await countersOf(userId)).toBe(sendBefore);
              // Not counted: asking again at once is not "too soon".
              expect((await client.post('/api/v1/sign-in/send', { method: 'sms' })).statusCode).toBe(502);
              return response;
            })();
      expect(attempt.statusCode).toBe(502);
      expect(attempt.json().error).toMatchObject({
        code: 'delivery_failed',
        message: "We couldn't send the code — try again or use another method.",
        failure,
      });
      if (mode === 'down') expect(await countersOf(userId)).toBe(before);
      const live = await t.ctx.db.kysely
        .selectFrom('phone_codes')
        .select('id')
        .where('consumed_at', 'is', null)
        .execute();
      expect(live).toEqual([]);
      const audits = await t.ctx.db.kysely
        .selectFrom('audit_events')
        .select('details')
        .where('event', '=', 'phone.delivery_failed')
        .execute();
      expect(audits.length).toBeGreaterThan(0);
      const details = JSON.parse(audits[0]!.details) as Record<string, unknown>;
      expect(details).toMatchObject({ provider: 'twilio', failure });
      expect(audits[0]!.details).not.toMatch(/\d{6}/);
    },
  );
});
