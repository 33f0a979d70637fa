/**
 * email_verified is a stored fact: set by a verification link (a page whose button POSTs), an accepted
 * invitation or a completed password reset; an address someone else typed in (setup, `user add`, import)
 * gets a single-use, hashed, expiring link. The member list, the profile and the OIDC claims read it.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { KoaContextWithOIDC } from 'oidc-provider';
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
import { accountClaims } from '../../src/oidc/claims.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import { importMembers } from '../../src/import/importer.ts';
import { sha256Hex } from '../../src/crypto/index.ts';
import { TOKENS } from '../../src/config/defaults.ts';

const STAFF = { email: 'nurse@acme.test', password: 'copper-meadow-violin-58' };
const SUBJECT = 'Confirm your email address — twofold';

const location = (response: LightMyRequestResponse): string => String(response.headers.location ?? '');

describe.each(DIALECTS)('email verification (%s)', (dialect) => {
  let t: TestApp;
  let ip = 0;
  const freshClient = (): Client => new Client(t.app, `198.51.100.${(ip += 1) % 250}`);
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  async function claimsOf(userId: string): Promise<Record<string, unknown>> {
    const account = await accountClaims(t.ctx, { oidc: {} } as unknown as KoaContextWithOIDC, userId);
    return (await account!.claims('id_token', 'openid email', {}, [])) as Record<string, unknown>;
  }
  async function members(owner: Client, orgId: string): Promise<Array<{ email: string; emailVerified: boolean }>> {
    const response = await owner.get(`/api/v1/orgs/${orgId}/members`);
    expect(response.statusCode).toBe(200);
    return (response.json() as { members: Array<{ email: string; emailVerified: boolean }> }).members;
  }
  async function verifiedAt(email: string): Promise<string | null> {
    return (
      await t.ctx.db.kysely
        .selectFrom('users')
        .select('email_verified_at')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).email_verified_at;
  }

  it('first-run setup emails the owner a link; only the button on its page verifies, once; claims, member list and profile follow', async () => {
    const { owner, orgId, ownerId } = await setUpOwner(t);
    const mail = await lastEmailTo(t, OWNER.email);
    expect(mail.subject).toBe(SUBJECT);
    const token = tokenFromLink(mail.text, 'http://localhost:3000/verify-email');
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const row = await t.ctx.db.kysely.selectFrom('email_verifications').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(Date.parse(row.expires_at) - Date.parse(row.created_at)).toBe(TOKENS.emailVerificationSeconds * 1000);

    expect((await claimsOf(ownerId)).email_verified).toBe(false);
    expect(await members(owner, orgId)).toEqual([
      expect.objectContaining({ email: OWNER.email, emailVerified: false }),
    ]);
    expect((await owner.get(`/orgs/${orgId}/members`)).body).toContain('Email not verified');
    const profile = (await owner.get('/profile')).body;
    expect(profile).toContain('Not verified');
    expect(profile).toContain('action="/profile/email/verification"');

    // Opening the link (as a mail scanner would) changes nothing.
    const anon = freshClient();
    const page = await anon.get(`/verify-email?token=${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/verify-email"');
    expect(await verifiedAt(OWNER.email)).toBeNull();

    const done = await anon.submitForm(`/verify-email?token=${token}`, '/verify-email', { token });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(`${OWNER.email} is verified`);
    expect(await verifiedAt(OWNER.email)).not.toBeNull();
    const audited = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select(['details', 'target_user_id'])
      .where('event', '=', 'email.verified')
      .execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]!.target_user_id).toBe(ownerId);
    expect(JSON.parse(audited[0]!.details)).toEqual({ via: 'link' });
    expect(JSON.stringify(await t.ctx.db.kysely.selectFrom('audit_events').selectAll().execute())).not.toContain(token);
    expect(t.logs.join('\n')).not.toContain(token);

    expect((await claimsOf(ownerId)).email_verified).toBe(true);
    expect(await members(owner, orgId)).toEqual([expect.objectContaining({ emailVerified: true })]);
    expect((await owner.get(`/orgs/${orgId}/members`)).body).not.toContain('Email not verified');
    expect((await owner.get('/profile')).body).not.toContain('action="/profile/email/verification"');

    const again = await freshClient().submitForm(`/verify-email?token=${token}`, '/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('cannot be used any more');
    expect((await freshClient().post('/api/v1/email-verification/confirm', { token })).json().error.code).toBe(
      'invalid_token',
    );
  });

  it('a new link replaces the older ones, a link expires after 7 days, and a verified address gets no more links', async () => {
    const { owner } = await setUpOwner(t);
    const first = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/verify-email');
    const asked = await owner.post('/api/v1/me/email/verification');
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual({ status: 'sent' });
    const second = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/verify-email');
    expect(second).not.toBe(first);
    expect((await lastEmailTo(t, OWNER.email)).text).toContain('You asked to confirm');
    expect((await freshClient().post('/api/v1/email-verification/confirm', { token: first })).json().error.code).toBe(
      'invalid_token',
    );

    t.clock.advanceSeconds(TOKENS.emailVerificationSeconds + 1);
    expect((await freshClient().post('/api/v1/email-verification/confirm', { token: second })).json().error.code).toBe(
      'invalid_token',
    );
    expect(await verifiedAt(OWNER.email)).toBeNull();

    // From the profile page (the session timed out meanwhile: sign in again).
    const browser = freshClient();
    expect(
      location(await browser.submitForm('/sign-in', '/sign-in', { email: OWNER.email, password: OWNER.password })),
    ).toBe('/profile');
    const sent = await browser.submitForm('/profile', '/profile/email/verification', {});
    expect(location(sent)).toBe('/profile?done=verification_sent');
    expect((await browser.get('/profile?done=verification_sent')).body).toContain(
      'We sent a link to your email address',
    );
    const third = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/verify-email');
    const confirmed = await freshClient().post('/api/v1/email-verification/confirm', { token: third });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({ status: 'verified' });
    const count = (await subjectsTo(t, OWNER.email)).filter((s) => s === SUBJECT).length;
    const refused = await browser.post('/api/v1/me/email/verification');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('conflict');
    expect((await subjectsTo(t, OWNER.email)).filter((s) => s === SUBJECT)).toHaveLength(count);
  });

  it('a link verifies only the address it was sent to', async () => {
    const { ownerId } = await setUpOwner(t);
    const token = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/verify-email');
    await t.ctx.db.kysely.updateTable('users').set({ email: 'renamed@acme.test' }).where('id', '=', ownerId).execute();
    expect((await freshClient().post('/api/v1/email-verification/confirm', { token })).json().error.code).toBe(
      'invalid_token',
    );
    expect(await verifiedAt('renamed@acme.test')).toBeNull();
  });

  it('following links and asking for new ones are limited per IP', async () => {
    const { owner } = await setUpOwner(t);
    const guesser = freshClient();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1)
      statuses.push(
        (await guesser.post('/api/v1/email-verification/confirm', { token: `${'x'.repeat(40)}${i}` })).statusCode,
      );
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
    const page = await guesser.submitForm(`/verify-email?token=${'y'.repeat(43)}`, '/verify-email', {
      token: 'y'.repeat(43),
    });
    expect(page.statusCode).toBe(429);
    const asks: number[] = [];
    for (let i = 0; i < 6; i += 1) asks.push((await owner.post('/api/v1/me/email/verification')).statusCode);
    expect(asks).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('`user add` sends a link; accepting an invitation or completing a password reset verifies the address', async () => {
    const { owner, orgId } = await setUpOwner(t);
    const added = await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'added@acme.test',
      role: 'client',
      password: 'amber-lantern-quarry-77',
    });
    expect(added.verificationEmail).toBe('sent');
    expect((await lastEmailTo(t, 'added@acme.test')).subject).toBe(SUBJECT);
    // An account that already exists only gains the membership: no new link.
    const again = await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'added@acme.test',
      role: 'client',
      password: '',
    });
    expect(again.verificationEmail).toBeNull();

    expect(
      (await owner.post(`/api/v1/orgs/${orgId}/invitations`, { email: STAFF.email, role: 'staff' })).statusCode,
    ).toBe(201);
    const invitation = tokenFromLink((await lastEmailTo(t, STAFF.email)).text, '/invitations/accept');
    expect(
      (await freshClient().post('/api/v1/invitations/accept', { token: invitation, password: STAFF.password }))
        .statusCode,
    ).toBe(200);
    expect(await verifiedAt(STAFF.email)).not.toBeNull();

    expect(await verifiedAt('added@acme.test')).toBeNull();
    await freshClient().post('/api/v1/password-reset', { email: 'added@acme.test' });
    await expect.poll(async () => (await lastEmailTo(t, 'added@acme.test')).subject).toContain('Reset your password');
    const reset = tokenFromLink((await lastEmailTo(t, 'added@acme.test')).text, '/reset-password');
    expect(
      (
        await freshClient().post('/api/v1/password-reset/confirm', {
          token: reset,
          password: 'walnut-harbor-signal-63',
        })
      ).statusCode,
    ).toBe(200);
    expect(await verifiedAt('added@acme.test')).not.toBeNull();

    const list = await members(owner, orgId);
    expect(Object.fromEntries(list.map((m) => [m.email, m.emailVerified]))).toEqual({
      [OWNER.email]: false,
      [STAFF.email]: true,
      'added@acme.test': true,
    });
    const vias = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('details')
      .where('event', '=', 'email.verified')
      .execute();
    expect(vias.map((r) => JSON.parse(r.details).via).sort()).toEqual(['invitation', 'password_reset']);
  });

  it('import: each new account gets a link with its batch; an existing account gets none', async () => {
    await setUpOwner(t);
    const before = (await subjectsTo(t, OWNER.email)).length;
    const lines = [
      { email: OWNER.email, org: OWNER.orgName, role: 'owner' },
      { email: 'imported@acme.test', org: OWNER.orgName, role: 'client' },
    ].map((r) => `${JSON.stringify(r)}\n`);
    const report = await importMembers(t.ctx, Readable.from(lines), { format: 'jsonl', resumeKey: null });
    expect(report.imported).toBe(1);
    expect((await subjectsTo(t, OWNER.email)).length).toBe(before);
    const queued = await t.ctx.db.kysely
      .selectFrom('mail_outbox')
      .select(['status', 'subject', 'body_text'])
      .where('recipient', '=', 'imported@acme.test')
      .execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ status: 'pending', subject: SUBJECT });
    // The mail queue's retry loop delivers it.
    expect(await t.ctx.mail.retryDue(t.clock.now())).toBeGreaterThanOrEqual(1);
    const token = tokenFromLink(queued[0]!.body_text, 'http://localhost:3000/verify-email');
    expect((await freshClient().post('/api/v1/email-verification/confirm', { token })).statusCode).toBe(200);
    expect(await verifiedAt('imported@acme.test')).not.toBeNull();
  });
});
