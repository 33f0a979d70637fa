/**
 * Phishing-resistant only, per role (docs/decisions.md "Phishing-resistant only"): for members the rule
 * covers, only passkeys can be added; their other methods stay listed as "not accepted by your
 * organization" and keep working for sign-in until the grace deadline, then are refused with
 * method_not_allowed_by_org (a backup code still gets them in to add a passkey). An optional list of
 * authenticator models is checked on the server at registration. The same rule enforces `allowedMethods`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, ORIGIN, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolPasskey, enrolTotp } from '../helpers/two-factor.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';

describe.each(DIALECTS)('phishing-resistant only (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let secret: string;
  let backupCodes: string[];

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId } = await setUpOwner(t));
    ({ secret, backupCodes } = await enrolTotp(t, owner, OWNER.password));
  });
  afterEach(async () => {
    await t.close();
  });

  /** Changes the policy within the sudo window a TOTP re-authentication opens. */
  async function patchPolicy(patch: Record<string, unknown>) {
    t.clock.advanceSeconds(30);
    const reauth = await owner.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(reauth.statusCode, reauth.body).toBe(200);
    return owner.patch(`/api/v1/orgs/${orgId}/policy`, patch);
  }

  async function totpSignIn(): Promise<{ client: Client; status: number; body: Record<string, any> }> {
    const client = new Client(t.app);
    const first = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(first.json().status).toBe('second_factor_required');
    t.clock.advanceSeconds(30);
    const second = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    return { client, status: second.statusCode, body: second.json() };
  }

  it('a TOTP user under "staff": refused after the grace period with a clear code, guided to add a passkey', async () => {
    const changed = await patchPolicy({ phishingResistant: 'staff', gracePeriodDays: 7 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().policy.phishingResistant).toBe('staff');
    // Within the grace period the app still works, but it is marked and a passkey is asked for.
    expect((await totpSignIn()).status).toBe(200);
    const page = (await owner.get('/profile/security')).body;
    expect(page).toContain('not accepted by your organization');
    expect(page).toContain('Your organization accepts only passkeys and security keys');
    const listed = (await owner.get('/api/v1/me/factors')).json();
    expect(listed.factors).toEqual([expect.objectContaining({ type: 'totp', acceptedByOrganization: false })]);
    expect(Date.parse(listed.passkeyRequiredBy)).toBeGreaterThan(t.clock.now().getTime());
    // No new non-passkey method can be added.
    const adding = await owner.post('/api/v1/me/factors/totp');
    expect(adding.statusCode).toBe(403);
    expect(adding.json().error).toMatchObject({ code: 'method_not_allowed_by_org', rule: 'phishing_resistant' });
    // After the deadline: refused at sign-in, with what to do.
    t.clock.advanceSeconds(8 * 86_400);
    const refused = await totpSignIn();
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'method_not_allowed_by_org',
      rule: 'phishing_resistant',
      addPasskey: true,
    });
    expect(refused.body.error.message).toContain('passkey');
    expect((await refused.client.get('/api/v1/session')).statusCode).toBe(401);
    const audited = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select(['event', 'details'])
      .where('event', '=', 'sign_in.method_refused')
      .execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]!.details).toContain('phishing_resistant');
    // A backup code (recovery) still gets the person in, to add a passkey with the soft authenticator.
    const client = new Client(t.app);
    await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const withBackup = await client.post('/api/v1/sign-in/verify', { method: 'backup_code', code: backupCodes[0] });
    expect(withBackup.statusCode, withBackup.body).toBe(200);
    // Nor does the app confirm it's you any more.
    t.clock.advanceSeconds(30);
    const reauth = await client.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(reauth.json().error).toMatchObject({ code: 'method_not_allowed_by_org', rule: 'phishing_resistant' });
    const key = new SoftAuthenticator({ origin: ORIGIN });
    const options = (
      await client.post('/api/v1/me/reauthenticate', {
        password: OWNER.password,
        method: 'backup_code',
        code: backupCodes[1],
      })
    ).statusCode;
    expect(options).toBe(200);
    await enrolPasskey(client, key);
    // Then a passkey signs in.
    const next = new Client(t.app);
    await next.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const passkeyOptions = (await next.post('/api/v1/sign-in/passkey/options')).json();
    expect((await next.post('/api/v1/sign-in/passkey', { response: key.get(passkeyOptions) })).statusCode).toBe(200);
  });

  it('with the rule off nothing changes, even with no grace period', async () => {
    expect((await patchPolicy({ phishingResistant: 'off', gracePeriodDays: 0 })).statusCode).toBe(200);
    t.clock.advanceSeconds(86_400);
    expect((await totpSignIn()).status).toBe(200);
  });

  it('allowedMethods is enforced at enrolment and at sign-in by the same rule', async () => {
    expect((await patchPolicy({ allowedMethods: ['passkey'] })).statusCode).toBe(200);
    const adding = await owner.post('/api/v1/me/factors/totp');
    expect(adding.json().error).toMatchObject({ code: 'method_not_allowed_by_org', rule: 'allowed_methods' });
    const refused = await totpSignIn();
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'method_not_allowed_by_org', rule: 'allowed_methods' });
  });

  it('an authenticator allow-list asks for attestation and refuses a passkey that does not say its model', async () => {
    const aaguid = 'CB69481E-8FF7-4039-93EC-0A2729A154A8';
    const changed = await patchPolicy({ allowedAuthenticators: [aaguid] });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().policy.allowedAuthenticators).toEqual([aaguid.toLowerCase()]);
    const options = await owner.post('/api/v1/me/factors/passkey/options', { label: 'Key' });
    expect(options.statusCode).toBe(200);
    expect(options.json().attestation).toBe('direct');
    const key = new SoftAuthenticator({ origin: ORIGIN });
    const refused = await owner.post('/api/v1/me/factors/passkey', { response: key.create(options.json()) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('authenticator_not_allowed');
    expect((await owner.get('/api/v1/me/factors')).json().factors.map((f: { type: string }) => f.type)).toEqual([
      'totp',
    ]);
    // Malformed AAGUIDs are refused by the schema.
    expect((await owner.patch(`/api/v1/orgs/${orgId}/policy`, { allowedAuthenticators: ['nope'] })).statusCode).toBe(
      400,
    );
  });

  it('the policy page shows and saves the new settings', async () => {
    t.clock.advanceSeconds(30);
    await owner.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    const page = await owner.get(`/orgs/${orgId}/security`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="phishingResistant"');
    expect(page.body).toContain('name="allowedAuthenticators"');
    expect(page.body).toContain('attestation');
  });
});
