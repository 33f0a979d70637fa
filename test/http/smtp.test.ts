/**
 * The real SMTP adapter (nodemailer) against a real SMTP server (smtp-server) on loopback: recipients,
 * subjects, no secret in the body, links from PUBLIC_URL whatever the Host header, and the queue: SMTP
 * down, then up → the message arrives exactly once.
 */
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { smtpTransport } from '../../src/mail/transport.ts';
import { setUp } from '../../src/flows/setup.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

interface Received {
  to: string[];
  raw: string;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startSmtp(port: number, received: Received[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** The decoded text of a MIME message (quoted-printable soft breaks undone). */
function text(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe.each(DIALECTS)('security emails over SMTP (%s)', (dialect) => {
  let t: TestApp | null = null;
  let smtp: SMTPServer | null = null;
  afterEach(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    t = null;
    smtp = null;
  });

  it('delivers reset and security emails to the account, with PUBLIC_URL links and no secrets', async () => {
    const port = await freePort();
    const received: Received[] = [];
    smtp = await startSmtp(port, received);
    t = await createTestApp(dialect, {
      transport: smtpTransport(`smtp://127.0.0.1:${port}`, 'twofold <security@acme.test>'),
    });
    const { owner } = await setUpOwner(t);
    // First run emails the owner a link to verify the address, on PUBLIC_URL; the rest follows the others.
    expect(received).toHaveLength(1);
    expect(text(received[0]!.raw)).toContain('http://localhost:3000/verify-email?token=');
    received.length = 0;
    const anon = new Client(t.app, '10.8.8.8');
    await anon.request(
      'POST',
      '/api/v1/password-reset',
      { email: OWNER.email },
      { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
    );
    await expect.poll(() => received.length).toBe(1); // reset emails leave in the background
    await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: 'silver-canyon-ledger-55',
    });
    expect(received).toHaveLength(2);
    const [reset, changed] = received.map((m) => ({ ...m, body: text(m.raw) }));
    expect(reset!.to).toEqual([OWNER.email]);
    expect(reset!.body).toMatch(/Subject: .*Reset[ _]your[ _]password/);
    expect(reset!.body).toContain('http://localhost:3000/reset-password?token=');
    expect(reset!.body).not.toContain('evil.example');
    expect(changed!.body).toMatch(/Subject: .*Your[ _]password[ _]was[ _]changed/);
    for (const m of [reset!, changed!]) {
      expect(m.body).not.toContain(OWNER.password);
      expect(m.body).not.toContain('silver-canyon-ledger-55');
      expect(m.body).toContain('From: twofold <security@acme.test>');
    }
    const rows = await t.ctx.db.kysely.selectFrom('mail_outbox').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1)).toBe(true);
  });

  it('SMTP down: the action completes, the mail is queued and audited; SMTP up: it arrives exactly once', async () => {
    const port = await freePort();
    t = await createTestApp(dialect, {
      transport: smtpTransport(`smtp://127.0.0.1:${port}`, 'twofold <security@acme.test>'),
    });
    // An operator's setup that vouches for the address sends nothing: the reset email is the only one.
    await setUp(t.ctx, OPERATOR, { ...OWNER, emailVerified: true });
    const anon = new Client(t.app, '10.8.8.9');
    expect((await anon.post('/api/v1/password-reset', { email: OWNER.email })).statusCode).toBe(202);
    await expect
      .poll(
        async () =>
          (
            await t!.ctx.db.kysely
              .selectFrom('audit_events')
              .select('id')
              .where('event', '=', 'mail.delivery_failed')
              .execute()
          ).length,
      )
      .toBe(1);
    const queued = await t.ctx.db.kysely.selectFrom('mail_outbox').selectAll().execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ status: 'pending' });
    expect(Number(queued[0]!.attempts)).toBe(1);
    const failures = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('details')
      .where('event', '=', 'mail.delivery_failed')
      .execute();
    expect(failures).toHaveLength(1);
    expect(JSON.parse(failures[0]!.details).willRetry).toBe(true);

    // Not due yet: nothing is tried.
    expect(await t.ctx.mail.retryDue(t.clock.now())).toBe(0);
    const received: Received[] = [];
    smtp = await startSmtp(port, received);
    t.clock.advanceSeconds(61);
    const [first, second] = await Promise.all([t.ctx.mail.retryDue(t.clock.now()), t.ctx.mail.retryDue(t.clock.now())]);
    expect(first! + second!).toBe(1);
    t.clock.advanceSeconds(3600);
    expect(await t.ctx.mail.retryDue(t.clock.now())).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual([OWNER.email]);
    const sent = await t.ctx.db.kysely
      .selectFrom('mail_outbox')
      .select(['status', 'attempts'])
      .executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ status: 'sent' });
    expect(Number(sent.attempts)).toBe(2);
  });
});
