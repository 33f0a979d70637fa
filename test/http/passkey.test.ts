/**
 * Passkeys over HTTP with a software authenticator producing real attestation ("none") and assertion
 * responses: registration, the second step, passwordless sign-in, management, and the WebAuthn checks of
 * docs/security.md — each refused response named for the property it protects.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, ORIGIN, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { SoftAuthenticator, type Overrides } from '../helpers/soft-authenticator.ts';
import { enrolPasskey } from '../helpers/two-factor.ts';
import { findOrgByName } from '../../src/orgs/service.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

type Json = Record<string, any>;
const OTHER = { email: 'nurse@acme.test', password: 'amber-meadow-compass-17' };

describe.each(DIALECTS)('passkeys (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let key: SoftAuthenticator;
  let backupCodes: string[];
  let factorId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner } = await setUpOwner(t));
    key = new SoftAuthenticator({ origin: ORIGIN });
    ({ factorId, backupCodes } = (await enrolPasskey(owner, key, {
      password: OWNER.password,
      label: 'Work laptop',
    })) as { factorId: string; backupCodes: string[] });
  });
  afterEach(async () => {
    await t.close();
  });

  async function addOther(): Promise<Client> {
    const org = (await findOrgByName(t.ctx, OWNER.orgName))!;
    await createMember(t.ctx, OPERATOR, { org: org, ...OTHER, role: 'staff' });
    const other = new Client(t.app, '127.0.0.2');
    expect((await other.post('/api/v1/sign-in', OTHER)).json().status).toBe('signed_in');
    return other;
  }

  /** Password step, then the passkey options of the pending challenge. */
  async function pending(client = new Client(t.app)): Promise<{ client: Client; options: Json; body: Json }> {
    const body = (await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json();
    const options = await client.post('/api/v1/sign-in/passkey/options');
    expect(options.statusCode).toBe(200);
    return { client, options: options.json(), body };
  }

  async function secondStepWith(overrides: Overrides = {}, authenticator = key) {
    const { client, options } = await pending();
    const response = await client.post('/api/v1/sign-in/passkey', { response: authenticator.get(options, overrides) });
    return { client, response };
  }

  it('registration needs sudo and a name, excludes existing passkeys, and the first one turns 2FA on with backup codes', async () => {
    expect(backupCodes).toHaveLength(10);
    const overview = (await owner.get('/api/v1/me/factors')).json();
    expect(overview.twoFactorEnabled).toBe(true);
    expect(overview.factors).toEqual([
      expect.objectContaining({
        id: factorId,
        type: 'passkey',
        label: 'Work laptop',
        lastUsedAt: null,
        isDefault: true,
        passkey: { deviceType: 'singleDevice', backedUp: false },
      }),
    ]);
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('sign-in method was added');
    t.clock.advanceSeconds(11 * 60);
    expect((await owner.post('/api/v1/me/factors/passkey/options', { label: 'Phone' })).json().error.code).toBe(
      'reauthentication_required',
    );
    expect(
      (
        await owner.post('/api/v1/me/reauthenticate', {
          password: OWNER.password,
          method: 'backup_code',
          code: backupCodes[0]!,
        })
      ).statusCode,
    ).toBe(200);
    const options = (await owner.post('/api/v1/me/factors/passkey/options', { label: 'Phone' })).json();
    expect(options.rp.id).toBe('localhost');
    expect(Buffer.from(options.challenge, 'base64url')).toHaveLength(32);
    expect(options.excludeCredentials.map((c: Json) => c.id)).toEqual([key.credentials[0]!.id.toString('base64url')]);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'preferred' });
    const phone = new SoftAuthenticator({ origin: ORIGIN, synced: true });
    const second = (await owner.post('/api/v1/me/factors/passkey', { response: phone.create(options) })).json();
    expect(second.backupCodes).toBeNull();
    const list = (await owner.get('/api/v1/me/factors')).json().factors;
    expect(list[1]).toMatchObject({ label: 'Phone', passkey: { deviceType: 'multiDevice', backedUp: true } });
    // Each options call is a new, single-use challenge.
    expect((await owner.post('/api/v1/me/factors/passkey', { response: phone.create(options) })).statusCode).toBe(404);
  });

  it("signs in as the second step: options list only the user's passkeys; amr pwd + hwk + mfa", async () => {
    const { client, options, body } = await pending();
    expect(body.methods).toEqual(['passkey', 'backup_code']);
    expect(options.allowCredentials.map((c: Json) => c.id)).toEqual([key.credentials[0]!.id.toString('base64url')]);
    const response = await client.post('/api/v1/sign-in/passkey', { response: key.get(options) });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('signed_in');
    expect((await client.get('/api/v1/session')).json().amr).toEqual(['pwd', 'hwk', 'mfa']);
    expect((await owner.get('/api/v1/me/factors')).json().factors[0].lastUsedAt).not.toBeNull();
  });

  it("a response made for another user's challenge is refused", async () => {
    const other = await addOther();
    const otherKey = new SoftAuthenticator({ origin: ORIGIN });
    await enrolPasskey(other, otherKey);
    const theirs = await pending(new Client(t.app, '127.0.0.3'));
    const otherPending = new Client(t.app, '127.0.0.4');
    await otherPending.post('/api/v1/sign-in', OTHER);
    const otherOptions = (await otherPending.post('/api/v1/sign-in/passkey/options')).json();
    // The other user's passkey on the other user's challenge, sent on the owner's pending sign-in.
    const refused = await theirs.client.post('/api/v1/sign-in/passkey', { response: otherKey.get(otherOptions) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toMatchObject({ code: 'invalid_code', attemptsLeft: 4 });
    // The owner's own passkey signing the other user's challenge does not pass either.
    const fresh = await pending(new Client(t.app, '127.0.0.5'));
    const crossed = await fresh.client.post('/api/v1/sign-in/passkey', {
      response: key.get(otherOptions, {}, key.credentials[0]),
    });
    expect(crossed.statusCode).toBe(401);
    expect(fresh.client.cookie('tf_session')).toBeUndefined();
  });

  it('a replayed response is refused', async () => {
    const { client, options } = await pending();
    const response = key.get(options);
    expect((await client.post('/api/v1/sign-in/passkey', { response })).statusCode).toBe(200);
    const again = await pending();
    expect((await again.client.post('/api/v1/sign-in/passkey', { response })).statusCode).toBe(401);
  });

  it('a wrong origin, a wrong RP ID, a wrong type, a missing UP flag and an expired challenge are refused', async () => {
    for (const overrides of [
      { origin: 'https://evil.example' },
      { origin: 'http://localhost:3001' },
      { rpId: 'evil.example' },
      { type: 'webauthn.create' },
      { up: false },
    ] as Overrides[]) {
      const { response } = await secondStepWith(overrides);
      expect(response.statusCode, JSON.stringify(overrides)).toBe(401);
    }
    const { client, options } = await pending();
    t.clock.advanceSeconds(5 * 60 + 1);
    expect((await client.post('/api/v1/sign-in/passkey', { response: key.get(options) })).statusCode).toBe(401);
  });

  it('a counter going backwards is refused, audited and emailed; a counter staying 0 is accepted', async () => {
    expect((await secondStepWith({ counter: 5 })).response.statusCode).toBe(200);
    for (const counter of [3, 5]) {
      const { response } = await secondStepWith({ counter });
      expect(response.statusCode).toBe(401);
    }
    const events = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select(['details'])
      .where('event', '=', 'passkey.counter_regression')
      .execute();
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0]!.details)).toMatchObject({ factorId, storedCounter: 5, receivedCounter: 3 });
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('Possible cloned passkey');

    const other = await addOther();
    const counterless = new SoftAuthenticator({ origin: ORIGIN, counterStep: 0 });
    await enrolPasskey(other, counterless);
    for (let i = 0; i < 2; i += 1) {
      const client = new Client(t.app, '127.0.0.9');
      await client.post('/api/v1/sign-in', OTHER);
      const options = (await client.post('/api/v1/sign-in/passkey/options')).json();
      expect((await client.post('/api/v1/sign-in/passkey', { response: counterless.get(options) })).statusCode).toBe(
        200,
      );
    }
  });

  it('a credential id is unique across users', async () => {
    const other = await addOther();
    const options = (await other.post('/api/v1/me/factors/passkey/options', { label: 'Same key' })).json();
    const response = await other.post('/api/v1/me/factors/passkey', {
      response: key.create(options, {}, key.credentials[0]),
    });
    expect(response.statusCode).toBe(409);
    expect((await other.get('/api/v1/me/factors')).json().factors).toEqual([]);
  });

  it('passwordless with user verification counts as both factors but opens no sudo window', async () => {
    const client = new Client(t.app);
    const options = (await client.post('/api/v1/sign-in/passkey/options')).json();
    expect(options.allowCredentials).toBeUndefined();
    expect(options.userVerification).toBe('preferred');
    const response = await client.post('/api/v1/sign-in/passkey', { response: key.get(options) });
    expect(response.json().status).toBe('signed_in');
    expect((await client.get('/api/v1/session')).json().amr).toEqual(['hwk', 'user', 'mfa']);
    expect((await client.post('/api/v1/me/factors/passkey/options', { label: 'x' })).json().error.code).toBe(
      'reauthentication_required',
    );
    // Re-authentication with password + passkey opens it.
    const reauth = (await client.post('/api/v1/me/reauthenticate/passkey/options')).json();
    const code = JSON.stringify(key.get(reauth));
    expect(
      (await client.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'passkey', code }))
        .statusCode,
    ).toBe(200);
    expect((await client.post('/api/v1/me/factors/passkey/options', { label: 'x' })).statusCode).toBe(200);
    // A re-authentication assertion cannot be reused, nor serve a sign-in.
    expect(
      (await client.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'passkey', code }))
        .statusCode,
    ).toBe(401);
  });

  it('passwordless without user verification stands in for the password only: another method is asked, never a passkey', async () => {
    const client = new Client(t.app);
    const options = (await client.post('/api/v1/sign-in/passkey/options')).json();
    const first = await client.post('/api/v1/sign-in/passkey', { response: key.get(options, { uv: false }) });
    expect(first.json()).toMatchObject({ status: 'second_factor_required', methods: ['backup_code'] });
    expect(client.cookie('tf_session')).toBeUndefined();
    expect((await client.get('/api/v1/session')).statusCode).toBe(401);
    expect((await client.post('/api/v1/sign-in/passkey/options')).statusCode).toBe(404);
    const passwordlessAgain = (await client.post('/api/v1/sign-in/passkey/options?mode=passwordless')).json();
    expect(
      (await client.post('/api/v1/sign-in/passkey', { response: key.get(passwordlessAgain, { uv: false }) })).json()
        .status,
    ).toBe('second_factor_required');
    const verify = await client.post('/api/v1/sign-in/verify', { method: 'backup_code', code: backupCodes[0]! });
    expect(verify.statusCode).toBe(200);
    expect((await client.get('/api/v1/session')).json().amr).toEqual(['hwk', 'otp', 'mfa']);
  });

  it('an unknown passwordless credential or a bad signature is refused and audited', async () => {
    const stranger = new SoftAuthenticator({ origin: ORIGIN });
    const client = new Client(t.app);
    const options = (await client.post('/api/v1/sign-in/passkey/options')).json();
    stranger.create({ rp: { id: 'localhost' }, user: { id: 'eA' }, challenge: 'x' });
    expect((await client.post('/api/v1/sign-in/passkey', { response: stranger.get(options) })).statusCode).toBe(401);
    const tampered = key.get((await client.post('/api/v1/sign-in/passkey/options')).json()) as Json;
    tampered.response.signature = Buffer.from('not a signature').toString('base64url');
    expect((await client.post('/api/v1/sign-in/passkey', { response: tampered })).statusCode).toBe(401);
    const failures = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('details')
      .where('event', '=', 'sign_in.failed')
      .execute();
    expect(failures.map((f) => JSON.parse(f.details).reason)).toEqual(['unknown_credential', 'invalid']);
  });

  it('pages: sign-in offers a passkey, the challenge page uses it, and "Add a passkey" shows backup codes for a first one', async () => {
    const signInPage = (await new Client(t.app).get('/sign-in')).body;
    expect(signInPage).toContain('autocomplete="username webauthn"');
    expect(signInPage).toContain('data-passkey-sign-in="passwordless"');
    expect(signInPage).toContain('<script src="/static/webauthn.js"');
    const { client } = await pending();
    const challengePage = (await client.get('/sign-in/challenge')).body;
    expect(challengePage).toContain('data-passkey-sign-in="second-step"');
    expect(challengePage).toContain('Use a backup code');
    const other = await addOther();
    const page = (await other.get('/profile/security/passkey')).body;
    expect(page).toContain('Use a phone or tablet');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const options = (await other.post('/api/v1/me/factors/passkey/options', { label: 'Phone' })).json();
    const phone = new SoftAuthenticator({ origin: ORIGIN, synced: true });
    const done = await other.postForm('/profile/security/passkey', {
      _csrf: csrf,
      label: 'Phone',
      response: JSON.stringify(phone.create(options)),
    });
    expect(done.statusCode).toBe(200);
    expect(done.body.match(/<li><code>/g)).toHaveLength(10);
    expect(done.body).toContain('/profile/security?done=passkey_added');
    expect((await other.get('/api/v1/session')).json().amr).toEqual(['pwd', 'swk', 'mfa']);
    // Stale: the page sends the person to confirm it is them first.
    t.clock.advanceSeconds(11 * 60);
    const stale = await other.get('/profile/security/passkey');
    expect(stale.headers.location).toBe('/profile/security/confirm?next=%2Fprofile%2Fsecurity%2Fpasskey');
    const confirm = (await other.get('/profile/security/confirm?next=/profile/security/passkey')).body;
    expect(confirm).toContain('data-passkey-proof');
    const reauth = (await other.post('/api/v1/me/reauthenticate/passkey/options')).json();
    const form = await other.postForm('/profile/security/reauthenticate', {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(confirm)![1]!,
      next: '/profile/security/passkey',
      password: OTHER.password,
      method: 'passkey',
      code: JSON.stringify(phone.get(reauth)),
    });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe('/profile/security/passkey');
  });

  it('renames and removes; the last one turns 2FA off unless the org requires it', async () => {
    expect((await owner.patch(`/api/v1/me/factors/${factorId}`, { label: 'Old laptop' })).json().factors[0].label).toBe(
      'Old laptop',
    );
    const renamed = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('details')
      .where('event', '=', 'factor.renamed')
      .execute();
    expect(JSON.parse(renamed[0]!.details)).toMatchObject({ type: 'passkey', label: 'Old laptop' });
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'staff' }).execute();
    const refused = await owner.delete(`/api/v1/me/factors/${factorId}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('two_factor_required_by_org');
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'off' }).execute();
    const removed = await owner.delete(`/api/v1/me/factors/${factorId}`);
    expect(removed.json()).toMatchObject({ twoFactorOff: true, twoFactorEnabled: false, factors: [] });
    expect(await t.ctx.db.kysely.selectFrom('passkey_credentials').selectAll().execute()).toEqual([]);
    const { body } = await pending();
    expect(body.status).toBe('signed_in');
  });
});
