/**
 * The mailbox alone never removes two-factor authentication: within 7 days of a password reset by email no
 * recovery is asked for, started from its link or completed; a reset never cancels a recovery silently;
 * start and completion reach every verified phone number (without a code) and every signed-in session.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  createTestApp,
  lastEmailTo,
  OWNER,
  setUpOwner,
  subjectsTo,
  tokenFromLink,
  type TestApp,
} from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeIn, lastPhoneCode, phoneMessages, PHONE_NUMBER } from '../helpers/phone.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { pendingRecovery } from '../../src/recovery/guard.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;
const NEW_PASSWORD = 'harbor-violet-lantern-77';
const VOICE_NUMBER = '+12015550188';

const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const plusSeconds = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();

describe.each(DIALECTS)('recovery with the mailbox alone (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ownerId: string;
  let secret: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, ownerId } = await setUpOwner(t));
    ({ secret } = await enrolTotp(t, owner, OWNER.password));
  });
  afterEach(async () => {
    await t.close();
  });

  async function addPhone(phone: string, channel: 'sms' | 'voice'): Promise<void> {
    expect(
      (
        await owner.post('/api/v1/me/reauthenticate', {
          password: OWNER.password,
          method: 'totp',
          code: codeAt(secret, t.clock.now()),
        })
      ).statusCode,
    ).toBe(200);
    t.clock.advanceSeconds(30);
    const start = await owner.post('/api/v1/me/factors/phone', { phone, channel });
    expect(start.statusCode, start.body).toBe(202);
    const { enrollmentId } = start.json() as { enrollmentId: string };
    expect(
      (
        await owner.post('/api/v1/me/factors/phone/confirm', {
          enrollmentId,
          code: (await lastPhoneCode(t, phone)).code,
        })
      ).statusCode,
    ).toBe(200);
  }

  async function challenged(password: string, ip: string): Promise<Client> {
    const client = new Client(t.app, ip);
    const r = await client.post('/api/v1/sign-in', { email: OWNER.email, password });
    expect(r.json().status).toBe('second_factor_required');
    return client;
  }

  /** What someone holding only the mailbox can do: reset the password by the emailed link. */
  async function resetByEmail(ip = '198.51.100.7'): Promise<string> {
    const anon = new Client(t.app, ip);
    expect((await anon.post('/api/v1/password-reset', { email: OWNER.email })).statusCode).toBe(202);
    const token = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
    expect((await anon.post('/api/v1/password-reset/confirm', { token, password: NEW_PASSWORD })).statusCode).toBe(200);
    const row = await t.ctx.db.kysely
      .selectFrom('users')
      .select('password_reset_at')
      .where('id', '=', ownerId)
      .executeTakeFirstOrThrow();
    expect(row.password_reset_at).not.toBeNull();
    return row.password_reset_at!;
  }

  async function requestLink(client: Client): Promise<string> {
    expect((await client.post('/api/v1/recovery')).statusCode).toBe(202);
    return tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/recovery/confirm');
  }

  async function startAndConfirm(client: Client): Promise<{ completesAt: string }> {
    const confirm = await new Client(t.app, '10.6.6.6').post('/api/v1/recovery/confirm', {
      token: await requestLink(client),
    });
    expect(confirm.statusCode).toBe(200);
    return confirm.json() as { completesAt: string };
  }

  async function refusals(): Promise<unknown[]> {
    const rows = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('details')
      .where('event', '=', 'recovery.refused')
      .execute();
    return rows.map((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details));
  }

  it('after a password reset by email, recovery cannot be asked for during 7 days (JSON and page), and says from when', async () => {
    const resetAt = await resetByEmail();
    const availableAt = plusSeconds(resetAt, 7 * DAY);
    const attacker = await challenged(NEW_PASSWORD, '198.51.100.7');
    const refused = await attacker.post('/api/v1/recovery');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'recovery_unavailable', availableAt });
    expect(refused.json().error.message).toContain(utc(availableAt));
    expect(await subjectsTo(t, OWNER.email)).not.toContainEqual(expect.stringContaining('Recover access'));

    const page = await attacker.get('/sign-in/recovery');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Account recovery is possible from ${utc(availableAt)}`);
    expect(page.body).not.toContain('Email me a recovery link');
    const posted = await attacker.submitForm('/sign-in/challenge', '/sign-in/recovery', {});
    expect(posted.statusCode).toBe(409);
    expect(posted.body).toContain(utc(availableAt));
    expect(await refusals()).toEqual([
      expect.objectContaining({ step: 'request', reason: 'recent_password_reset', availableAt }),
      expect.objectContaining({ step: 'request', availableAt }),
    ]);

    t.clock.advanceSeconds(7 * DAY);
    const later = await challenged(NEW_PASSWORD, '198.51.100.8');
    expect((await later.post('/api/v1/recovery')).statusCode).toBe(202);
  });

  it('a link asked for before the reset and opened after it is refused, by JSON and by the page', async () => {
    const token = await requestLink(await challenged(OWNER.password, '10.5.5.5'));
    const resetAt = await resetByEmail();
    const availableAt = plusSeconds(resetAt, 7 * DAY);
    const json = await new Client(t.app, '10.6.6.1').post('/api/v1/recovery/confirm', { token });
    expect(json.statusCode).toBe(409);
    expect(json.json().error).toMatchObject({ code: 'recovery_unavailable', availableAt });
    const browser = new Client(t.app, '10.6.6.2');
    const page = await browser.submitForm(`/recovery/confirm?token=${encodeURIComponent(token)}`, '/recovery/confirm', {
      token,
    });
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain(utc(availableAt));
    const rows = await t.ctx.db.kysely.selectFrom('recoveries').select('status').execute();
    expect(rows.map((r) => r.status)).toEqual(['emailed']);
    expect(await refusals()).toHaveLength(2);
  });

  it('a recovery pending at a password reset is not cancelled but named in both reset emails, and cannot complete until 7 days after the reset', async () => {
    await addPhone(PHONE_NUMBER, 'sms');
    const { completesAt } = await startAndConfirm(await challenged(OWNER.password, '10.5.5.5'));
    const anon = new Client(t.app, '198.51.100.7');
    await anon.post('/api/v1/password-reset', { email: OWNER.email });
    const resetMail = await lastEmailTo(t, OWNER.email);
    expect(resetMail.text).toContain(
      `Someone started recovery of your account: it would remove your two-factor methods on ${utc(completesAt)}.`,
    );
    expect(resetMail.text).toContain('Resetting your password does not cancel it.');
    const token = tokenFromLink(resetMail.text, '/reset-password');
    expect((await anon.post('/api/v1/password-reset/confirm', { token, password: NEW_PASSWORD })).statusCode).toBe(200);
    const resetAt = (
      await t.ctx.db.kysely
        .selectFrom('users')
        .select('password_reset_at')
        .where('id', '=', ownerId)
        .executeTakeFirstOrThrow()
    ).password_reset_at!;
    const blockedUntil = plusSeconds(resetAt, 7 * DAY);
    const changed = await lastEmailTo(t, OWNER.email);
    expect(changed.subject).toContain('Your password was changed');
    expect(changed.text).toContain(`it would remove your two-factor methods on ${utc(blockedUntil)}`);
    expect(await pendingRecovery(t.app.ctx, ownerId)).toMatchObject({
      completesAt: blockedUntil,
      delayedByPasswordReset: true,
    });

    // The delay is over, but the reset was less than a week ago: the password alone still gets a challenge.
    t.clock.advanceSeconds(25 * HOUR);
    const early = await new Client(t.app, '198.51.100.7').post('/api/v1/sign-in', {
      email: OWNER.email,
      password: NEW_PASSWORD,
    });
    expect(early.json().status).toBe('second_factor_required');
    expect(await refusals()).toEqual([expect.objectContaining({ step: 'complete', availableAt: blockedUntil })]);
    expect((await t.ctx.db.kysely.selectFrom('recoveries').select('status').executeTakeFirstOrThrow()).status).toBe(
      'pending',
    );

    t.clock.advanceSeconds(6 * DAY);
    const done = await new Client(t.app, '198.51.100.7').post('/api/v1/sign-in', {
      email: OWNER.email,
      password: NEW_PASSWORD,
    });
    expect(done.json().status).toBe('signed_in');
    const texts = (await phoneMessages(t)).map((m) => m.text);
    expect(texts[texts.length - 1]).toContain('recovery of your account completed');
  });

  it('start and completion reach every verified number (SMS, or a call for a call number) without a code, and every signed-in session', async () => {
    await addPhone(PHONE_NUMBER, 'sms');
    await addPhone(VOICE_NUMBER, 'voice');
    const before = { sms: (await phoneMessages(t)).length, voice: (await phoneMessages(t, VOICE_NUMBER)).length };
    const { completesAt } = await startAndConfirm(await challenged(OWNER.password, '10.5.5.5'));

    const sms = (await phoneMessages(t)).slice(before.sms);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ channel: 'sms' });
    expect(sms[0]!.text).toContain(
      `someone started recovery of your account. Unless it is cancelled, its two-factor methods are removed on ${utc(completesAt)}`,
    );
    expect(() => codeIn(sms[0]!.text)).toThrow();
    const call = (await phoneMessages(t, VOICE_NUMBER)).slice(before.voice);
    expect(call).toHaveLength(1);
    expect(call[0]).toMatchObject({ channel: 'voice' });
    expect(call[0]!.text).toContain('Someone started recovery of your account');

    // The session that was signed in before sees it, in the JSON and on every page.
    const session = (await owner.get('/api/v1/session')).json();
    expect(session.recovery).toEqual({
      status: 'pending',
      startedAt: expect.any(String),
      completesAt,
      delayedByPasswordReset: false,
    });
    const page = await owner.get('/profile');
    expect(page.body).toContain('Someone started recovery of your account.');
    expect(page.body).toContain(`<time datetime="${completesAt}" data-local="%s your time">${utc(completesAt)}</time>`);

    // The texted cancel link works.
    const cancelToken = tokenFromLink(sms[0]!.text, '/recovery/cancel');
    expect(
      (await new Client(t.app, '10.7.7.7').post('/api/v1/recovery/cancel', { token: cancelToken })).json().status,
    ).toBe('cancelled');
    expect((await owner.get('/api/v1/session')).json().recovery).toBeNull();

    // Completion: told to the numbers it removes, and shown to the sessions that follow.
    await startAndConfirm(await challenged(OWNER.password, '10.5.5.6'));
    t.clock.advanceSeconds(24 * HOUR + 1);
    const after = new Client(t.app, '10.5.5.9');
    expect((await after.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status).toBe(
      'signed_in',
    );
    for (const number of [PHONE_NUMBER, VOICE_NUMBER]) {
      const last = (await phoneMessages(t, number)).at(-1)!;
      expect(last.text).toContain('recovery of your account completed');
      expect(() => codeIn(last.text)).toThrow();
    }
    expect((await after.get('/api/v1/me/factors')).json().factors).toEqual([]);
    expect((await after.get('/api/v1/session')).json().recovery).toEqual({
      status: 'completed',
      completedAt: expect.any(String),
    });
    expect((await after.get('/profile')).body).toContain('Your account was recovered on');
    t.clock.advanceSeconds(7 * DAY + 1);
    const later = new Client(t.app, '10.5.5.9');
    await later.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect((await later.get('/api/v1/session')).json().recovery).toBeNull();
  });

  it('the confirm page says when recovery would complete; the started page says when it completes and how to cancel it', async () => {
    const token = await requestLink(await challenged(OWNER.password, '10.5.5.5'));
    const browser = new Client(t.app, '10.8.8.8');
    const confirmPage = await browser.get(`/recovery/confirm?token=${encodeURIComponent(token)}`);
    expect(confirmPage.body).toMatch(
      /started now, on <strong><time datetime="[^"]+" data-local="%s your time">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time><\/strong>/,
    );
    const started = await browser.submitForm(
      `/recovery/confirm?token=${encodeURIComponent(token)}`,
      '/recovery/confirm',
      { token },
    );
    expect(started.statusCode).toBe(200);
    const { completes_at: completesAt } = await t.ctx.db.kysely
      .selectFrom('recoveries')
      .select('completes_at')
      .executeTakeFirstOrThrow();
    expect(started.body).toContain(
      `Recovery completes in 24 hours (<time datetime="${completesAt}" data-local="%s your time">${utc(completesAt!)}</time>).`,
    );
    expect(started.body).toContain('What happens next');
    expect(started.body).toContain('<a class="button" href="/sign-in">Back to sign-in</a>');
    expect(started.body).toContain('How to cancel it');
    expect(started.body).toContain('Open the cancel link in the email');
    expect(started.body).toContain('sign in with any of your two-factor methods');
    expect(started.body).toContain('Cancel recovery</strong> at the top of any page');
  });
});
