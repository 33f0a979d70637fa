import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as oidcClient from 'openid-client';
import { Client, OWNER } from '../helpers/app.ts';
import { lastEmailCode } from '../helpers/email-codes.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolPasskey, enrolTotp } from '../helpers/two-factor.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import { rotateSigningKey } from '../../src/oidc/keys.ts';
import {
  authRequest,
  formAction,
  redeem,
  registerApp,
  rpConfig,
  RP_CALLBACK,
  RP_LOGGED_OUT,
  signInThrough,
  startOidcRig,
  WebBrowser,
  type AuthRequest,
  type OidcRig,
  type Page,
} from '../helpers/oidc.ts';

const DAY = 86_400;
const MEMBER_PASSWORD = 'quiet-meadow-copper-81';
/** A refused client authentication: 401 with a WWW-Authenticate challenge naming invalid_client (RFC 6749 §5.2). */
const INVALID_CLIENT = {
  status: 401,
  cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_client' }) })],
};

describe.each(DIALECTS)('OpenID Connect provider (%s)', (dialect) => {
  let rig: OidcRig;
  let secret: string;

  beforeEach(async () => {
    rig = await startOidcRig(dialect);
    ({ secret } = await enrolTotp(rig.t, rig.owner, OWNER.password));
  });
  afterEach(async () => {
    await rig.close();
  });

  /** The current TOTP code of the owner; the clock moves on so the next call gets a fresh step. */
  const code = () => {
    const value = codeAt(secret, rig.t.clock.now());
    rig.t.clock.advanceSeconds(30);
    return value;
  };

  /** From the consent page of an app's request, allow and return the app's callback. */
  async function allow(browser: WebBrowser, consent: Page): Promise<Page> {
    expect(consent.body).toContain('to sign you in?');
    return browser.submit(consent, formAction(consent, /\/consent$/));
  }

  /** A full sign-in through an app's request: sign-in page, second step, consent when asked. */
  async function signInForApp(
    browser: WebBrowser,
    request: AuthRequest,
    options: { trustDevice?: boolean } = {},
  ): Promise<string> {
    const signIn = await browser.go(request.url.toString());
    let page = await signInThrough(browser, signIn, OWNER.email, OWNER.password, code, options);
    if (page.body.includes('to sign you in?')) page = await allow(browser, page);
    expect(page.url.startsWith(RP_CALLBACK), page.body.slice(0, 500)).toBe(true);
    return page.url;
  }

  it('signs a user in with password + TOTP: code + PKCE, ID token checked against the JWKS, amr/acr, userinfo, refresh, logout', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const request = await authRequest(config, { scope: 'openid email profile org offline_access', prompt: 'consent' });
    const browser = new WebBrowser(rig.base);

    const signIn = await browser.go(request.url.toString());
    const consent = await signInThrough(browser, signIn, OWNER.email, OWNER.password, code);
    expect(consent.body).toContain('Allow Patient portal to sign you in?');
    expect(consent.body).toContain('Stay connected when you are not using it');
    const callback = await allow(browser, consent);
    expect(callback.url.startsWith(RP_CALLBACK)).toBe(true);
    expect(new URL(callback.url).searchParams.get('iss')).toBe(rig.issuer);

    const tokens = await redeem(config, request, callback.url);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(rig.issuer);
    expect(claims.aud).toBe(app.clientId);
    expect(claims.sub).toBe(rig.ownerId);
    expect(claims.email).toBe(OWNER.email);
    expect(claims.email_verified).toBe(false);
    expect([...(claims.amr as string[])].sort()).toEqual(['mfa', 'otp', 'pwd']);
    expect(claims.acr).toBe('urn:twofold:aal2');
    expect(claims.auth_time).toBeGreaterThan(1_700_000_000);
    expect(claims.org_id).toBe(rig.orgId);
    expect(claims.org_name).toBe(OWNER.orgName);
    expect(claims.roles).toEqual(['owner']);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.expires_in).toBeLessThanOrEqual(600);

    const userinfo = await oidcClient.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo.email).toBe(OWNER.email);
    expect(userinfo.roles).toEqual(['owner']);

    // The app's next request in this browser signs in without any prompt (shared session, consent remembered).
    const again = await authRequest(config);
    const silent = await browser.go(again.url.toString());
    expect(silent.url.startsWith(RP_CALLBACK)).toBe(true);
    expect((await redeem(config, again, silent.url)).claims()!.sub).toBe(rig.ownerId);

    // Refresh tokens rotate: the new one works; the old one is refused, and its reuse revokes the grant
    // (RFC 9700 §4.14.2), so the newest refresh token stops working too.
    const refreshed = await oidcClient.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()!.amr).toEqual(claims.amr);
    await expect(oidcClient.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidcClient.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    // RP-initiated logout ends the provider session and the twofold session of that browser.
    const logoutUrl = oidcClient.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: RP_LOGGED_OUT,
    });
    const confirm = await browser.go(logoutUrl.toString());
    expect(confirm.body).toContain('Sign out?');
    expect(confirm.body).toContain('Patient portal');
    const done = await browser.submit(confirm, formAction(confirm, /session\/end\/confirm/), { logout: 'yes' });
    expect(done.url.startsWith(RP_LOGGED_OUT)).toBe(true);
    const profile = await browser.go(`${rig.base}/profile`);
    expect(new URL(profile.url).pathname).toBe('/sign-in');
    // Nothing secret reached the logs: client secret, code, tokens, the TOTP secret.
    const logs = rig.t.logs.join('\n');
    expect(logs).toContain('/oidc/token');
    for (const value of [
      app.clientSecret!,
      new URL(callback.url).searchParams.get('code')!,
      tokens.access_token,
      tokens.refresh_token!,
      tokens.id_token!,
      secret,
    ]) {
      expect(logs).not.toContain(value);
    }
    const events = await rig.t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', 'in', ['oidc.signed_in', 'oidc.consent_given', 'sign_out'])
      .execute();
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(['oidc.signed_in', 'oidc.consent_given', 'sign_out']));
  });

  it('a public app uses PKCE alone; a confidential app can send its secret in the body', async () => {
    const spa = await registerApp(rig, OWNER.password, { name: 'Dashboard', kind: 'public' });
    expect(spa.clientSecret).toBeNull();
    const config = await rpConfig(rig, spa, 'none');
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config);
    const tokens = await redeem(config, request, await signInForApp(browser, request));
    expect(tokens.claims()!.sub).toBe(rig.ownerId);

    const server = await registerApp(rig, OWNER.password, { name: 'Billing', tokenAuthMethod: 'client_secret_post' });
    const postConfig = await rpConfig(rig, server, 'post');
    const second = await authRequest(postConfig);
    const page = await browser.go(second.url.toString());
    const callback = page.url.startsWith(RP_CALLBACK) ? page.url : (await allow(browser, page)).url;
    expect((await redeem(postConfig, second, callback)).claims()!.aud).toBe(server.clientId);
  });

  it('refuses a wrong redirect URI, a missing PKCE challenge, a reused code and a wrong client secret with standard OAuth errors', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const browser = new WebBrowser(rig.base);

    // Unregistered redirect URI: never redirected there, the error is shown to the person.
    const wrong = await authRequest(config, { redirect_uri: 'http://localhost:7777/elsewhere' });
    const refused = await browser.go(wrong.url.toString());
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('invalid_redirect_uri');

    // No PKCE: back to the app with error=invalid_request.
    const noPkce = new URL(wrong.url);
    noPkce.searchParams.set('redirect_uri', RP_CALLBACK);
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    const back = await browser.go(noPkce.toString());
    expect(back.url.startsWith(RP_CALLBACK)).toBe(true);
    expect(new URL(back.url).searchParams.get('error')).toBe('invalid_request');
    expect(new URL(back.url).searchParams.get('error_description')).toMatch(/PKCE/);

    // A code works once. Redeemed 20 times in parallel, exactly one succeeds; the rest are invalid_grant.
    const request = await authRequest(config);
    const callback = await signInForApp(browser, request);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => redeem(config, request, callback)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ error: 'invalid_grant' });
    // A replayed code revokes what it issued (RFC 6749 §4.1.2): the access token no longer works.
    const accessToken = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof redeem>>>).value.access_token;
    await expect(oidcClient.fetchUserInfo(config, accessToken, oidcClient.skipSubjectCheck)).rejects.toBeTruthy();

    // Wrong client secret.
    const second = await authRequest(config);
    // (The replay above revoked the grant: the app asks for consent again.)
    const page = await browser.go(second.url.toString());
    const callback2 = page.url.startsWith(RP_CALLBACK) ? page.url : (await allow(browser, page)).url;
    const forged = await rpConfig(rig, { clientId: app.clientId, clientSecret: `${app.clientSecret!.slice(0, -2)}xx` });
    await expect(redeem(forged, second, callback2)).rejects.toMatchObject(INVALID_CLIENT);
  });

  it('step-up: acr_values aal2 on a trusted-device session asks for the second factor; max_age=0 asks to sign in again', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const browser = new WebBrowser(rig.base);
    const first = await authRequest(config);
    await signInForApp(browser, first, { trustDevice: true });
    // Sign out of twofold (the page's sign-out form), then sign in again: the trusted browser skips the code.
    const profile = await browser.go(`${rig.base}/profile`);
    await browser.submit(profile, '/sign-out');
    expect(
      await rig.t.ctx.db.kysely
        .selectFrom('oidc_payloads')
        .select('id')
        .where('model', '=', 'Session')
        .where('account_id', '=', rig.ownerId)
        .execute(),
    ).toHaveLength(0);

    const plain = await authRequest(config);
    const signIn = await browser.go(plain.url.toString());
    const callback = await signInThrough(browser, signIn, OWNER.email, OWNER.password);
    const aal1 = (await redeem(config, plain, callback.url)).claims()!;
    expect(aal1.acr).toBe('urn:twofold:aal1');
    expect(aal1.amr).toEqual(['pwd']);

    const stepUp = await authRequest(config, { acr_values: 'urn:twofold:aal2' });
    const prompt = await browser.go(stepUp.url.toString());
    expect(prompt.body).toContain('Use your second factor');
    const wrongCode = await browser.submit(prompt, formAction(prompt, /\/step-up$/), {
      method: 'totp',
      code: '000000',
    });
    expect(wrongCode.status).toBe(401);
    const done = await browser.submit(wrongCode, formAction(wrongCode, /\/step-up$/), { method: 'totp', code: code() });
    expect(done.url.startsWith(RP_CALLBACK)).toBe(true);
    const aal2 = (await redeem(config, stepUp, done.url)).claims()!;
    expect(aal2.acr).toBe('urn:twofold:aal2');
    expect([...(aal2.amr as string[])].sort()).toEqual(['mfa', 'otp', 'pwd']);
    expect(aal2.auth_time).toBeGreaterThanOrEqual(aal1.auth_time as number);

    // max_age=0: even inside a two-factor session, the person signs in again (password + factor).
    const fresh = await authRequest(config, { max_age: '0' });
    const confirm = await browser.go(fresh.url.toString());
    expect(confirm.body).toContain("Confirm it's you");
    const again = await browser.submit(confirm, formAction(confirm, /\/confirm$/), {
      password: OWNER.password,
      method: 'totp',
      code: code(),
    });
    expect(again.url.startsWith(RP_CALLBACK)).toBe(true);
    const reauthenticated = (await redeem(config, fresh, again.url)).claims()!;
    expect(reauthenticated.auth_time).toBeGreaterThan(aal2.auth_time as number);
    expect(reauthenticated.acr).toBe('urn:twofold:aal2');

    // prompt=login asks again too; cancelling returns access_denied to the app.
    const forced = await authRequest(config, { prompt: 'login' });
    const ask = await browser.go(forced.url.toString());
    expect(ask.body).toContain("Confirm it's you");
    const cancelled = await browser.submit(ask, formAction(ask, /\/abort$/));
    expect(new URL(cancelled.url).searchParams.get('error')).toBe('access_denied');
  });

  it('step-up with a passkey reports hwk in amr and is audited', async () => {
    const authenticator = new SoftAuthenticator({ origin: rig.base });
    expect(
      (await rig.owner.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'totp', code: code() }))
        .statusCode,
    ).toBe(200);
    await enrolPasskey(rig.owner, authenticator, { label: 'Security key' });
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const browser = new WebBrowser(rig.base);
    await signInForApp(browser, await authRequest(config), { trustDevice: true });
    const profile = await browser.go(`${rig.base}/profile`);
    await browser.submit(profile, '/sign-out');
    const plain = await authRequest(config);
    await signInThrough(browser, await browser.go(plain.url.toString()), OWNER.email, OWNER.password);

    const stepUp = await authRequest(config, { acr_values: 'urn:twofold:aal2' });
    const prompt = await browser.go(stepUp.url.toString());
    expect(prompt.body).toContain('Use your passkey instead of a code');
    const options = await browser.json('POST', '/api/v1/me/reauthenticate/passkey/options');
    expect(options.status).toBe(200);
    const done = await browser.submit(prompt, formAction(prompt, /\/step-up$/), {
      method: 'passkey',
      code: JSON.stringify(authenticator.get(options.json)),
    });
    expect(done.url.startsWith(RP_CALLBACK)).toBe(true);
    const claims = (await redeem(config, stepUp, done.url)).claims()!;
    expect(claims.acr).toBe('urn:twofold:aal2');
    expect([...(claims.amr as string[])].sort()).toEqual(['hwk', 'mfa', 'pwd']);
    const audit = await rig.t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', '=', 'oidc.stepped_up')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('a member past the grace deadline is sent to enrolment before the app gets a code', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const member = await createMember(rig.t.ctx, OPERATOR, {
      org: { id: rig.orgId, name: OWNER.orgName, createdAt: '' },
      email: 'nurse@acme.test',
      role: 'staff',
      password: MEMBER_PASSWORD,
    });
    expect(
      (await rig.owner.patch(`/api/v1/orgs/${rig.orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: 1 }))
        .statusCode,
    ).toBe(200);
    rig.t.clock.advanceSeconds(2 * DAY);

    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config);
    const signIn = await browser.go(request.url.toString());
    const blocked = await signInThrough(browser, signIn, 'nurse@acme.test', MEMBER_PASSWORD);
    expect(blocked.status).toBe(403);
    expect(blocked.body).toContain(
      'Your organization requires two-factor authentication before you can continue to Patient portal',
    );
    expect(blocked.url).toMatch(/\/authorize\//);
    // The same request cannot skip the step.
    expect((await browser.go(blocked.url)).status).toBe(403);

    // Enrol (as the security page does), then the same request continues to the app.
    expect((await browser.json('POST', '/api/v1/me/reauthenticate', { password: MEMBER_PASSWORD })).status).toBe(200);
    const start = await browser.json('POST', '/api/v1/me/factors/totp');
    const memberSecret = start.json.secret as string;
    const confirmed = await browser.json('POST', '/api/v1/me/factors/totp/confirm', {
      enrollmentId: start.json.enrollmentId,
      code: codeAt(memberSecret, rig.t.clock.now()),
    });
    expect(confirmed.status).toBe(200);
    const security = await browser.go(`${rig.base}/profile/security`);
    expect(security.body).toContain('Continue signing in to the app');
    const consent = await browser.go(blocked.url);
    const callback = await allow(browser, consent);
    const claims = (await redeem(config, request, callback.url)).claims()!;
    expect(claims.sub).toBe(member.id);
    expect(claims.acr).toBe('urn:twofold:aal2');
    expect(claims.roles).toEqual(['staff']);
  });

  it('only members of the registering org sign in; a user without 2FA asked for aal2 is offered enrolment', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    // Another org's owner is not a member of Acme.
    const outsider = await createMember(rig.t.ctx, OPERATOR, {
      org: { id: rig.orgId, name: OWNER.orgName, createdAt: '' },
      email: 'client@acme.test',
      role: 'client',
      password: MEMBER_PASSWORD,
    });
    await rig.t.ctx.db.kysely.deleteFrom('memberships').where('user_id', '=', outsider.id).execute();
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config);
    const noAccess = await signInThrough(
      browser,
      await browser.go(request.url.toString()),
      'client@acme.test',
      MEMBER_PASSWORD,
    );
    expect(noAccess.status).toBe(403);
    expect(noAccess.body).toContain('is not a member');
    const back = await browser.submit(noAccess, formAction(noAccess, /\/abort$/));
    expect(new URL(back.url).searchParams.get('error')).toBe('access_denied');

    const member = new WebBrowser(rig.base);
    await createMember(rig.t.ctx, OPERATOR, {
      org: { id: rig.orgId, name: OWNER.orgName, createdAt: '' },
      email: 'clerk@acme.test',
      role: 'client',
      password: MEMBER_PASSWORD,
    });
    const strict = await authRequest(config, { acr_values: 'urn:twofold:aal2' });
    const offer = await signInThrough(
      member,
      await member.go(strict.url.toString()),
      'clerk@acme.test',
      MEMBER_PASSWORD,
    );
    expect(offer.status).toBe(403);
    expect(offer.body).toContain('asks for two-factor authentication, and your account does not have it yet');
  });

  it('an email-code sign-in is not two factors for an app: someone with email codes only is offered another method', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    expect((await rig.owner.patch(`/api/v1/orgs/${rig.orgId}/policy`, { emailCodes: 'everyone' })).statusCode).toBe(
      200,
    );
    await createMember(rig.t.ctx, OPERATOR, {
      org: { id: rig.orgId, name: OWNER.orgName, createdAt: '' },
      email: 'mailonly@acme.test',
      role: 'client',
      password: MEMBER_PASSWORD,
    });
    const api = new Client(rig.t.app);
    await api.post('/api/v1/sign-in', { email: 'mailonly@acme.test', password: MEMBER_PASSWORD });
    const start = await api.post('/api/v1/me/factors/email', {});
    expect(start.statusCode, start.body).toBe(202);
    const confirmed = await api.post('/api/v1/me/factors/email/confirm', {
      enrollmentId: start.json().enrollmentId,
      code: await lastEmailCode(rig.t, 'mailonly@acme.test'),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    const browser = new WebBrowser(rig.base);
    const strict = await authRequest(config, { acr_values: 'urn:twofold:aal2' });
    const challenge = await browser.submit(await browser.go(strict.url.toString()), '/sign-in', {
      email: 'mailonly@acme.test',
      password: MEMBER_PASSWORD,
    });
    expect(new URL(challenge.url).pathname).toBe('/sign-in/challenge');
    const after = await browser.submit(challenge, '/sign-in/challenge', {
      method: 'email',
      code: await lastEmailCode(rig.t, 'mailonly@acme.test'),
    });
    // Signed in to twofold with the emailed code, but the app asked for two factors: no step-up that offers
    // the same code again, an offer to set up a method that counts instead.
    expect(after.status).toBe(403);
    expect(after.body).toContain('asks for two-factor authentication');
    expect(after.body).not.toContain('/step-up');
  });

  it('an id_token_hint for another account than the signed-in one asks what to do instead of looping', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    await createMember(rig.t.ctx, OPERATOR, {
      org: { id: rig.orgId, name: OWNER.orgName, createdAt: '' },
      email: 'clerk@acme.test',
      role: 'client',
      password: MEMBER_PASSWORD,
    });
    const clerk = new WebBrowser(rig.base);
    const clerkRequest = await authRequest(config);
    const clerkPage = await signInThrough(
      clerk,
      await clerk.go(clerkRequest.url.toString()),
      'clerk@acme.test',
      MEMBER_PASSWORD,
    );
    const clerkToken = (await redeem(config, clerkRequest, (await allow(clerk, clerkPage)).url)).id_token!;

    const owner = new WebBrowser(rig.base);
    await signInForApp(owner, await authRequest(config));
    const hinted = await authRequest(config, { id_token_hint: clerkToken });
    const page = await owner.go(hinted.url.toString());
    expect(page.status).toBe(409);
    expect(page.body).toContain('asks for another account');
    expect(page.body).toContain(`You are signed in as ${OWNER.email}`);
    const back = await owner.submit(page, formAction(page, /\/abort$/));
    expect(new URL(back.url).searchParams.get('error')).toBe('access_denied');
  });

  it('the person sees the apps they allowed and can remove one: its refresh token dies and it asks again', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config, { scope: 'openid email org offline_access', prompt: 'consent' });
    const tokens = await redeem(config, request, await signInForApp(browser, request));
    const listed = await browser.json('GET', '/api/v1/me/apps');
    expect(listed.json.apps).toEqual([
      expect.objectContaining({
        clientId: app.clientId,
        name: 'Patient portal',
        orgName: OWNER.orgName,
        scopes: ['email', 'offline_access', 'openid', 'org'],
      }),
    ]);
    const page = await browser.go(`${rig.base}/profile/apps`);
    expect(page.body).toContain('Patient portal');
    expect(page.body).toContain('email address, access while you are away, who you are, organization and role');
    const removed = await browser.submit(page, `/profile/apps/${app.clientId}/remove`);
    expect(removed.body).toContain('Patient portal no longer has access to your account.');
    expect((await browser.json('GET', '/api/v1/me/apps')).json.apps).toEqual([]);
    await expect(oidcClient.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const again = await browser.go((await authRequest(config)).url.toString());
    expect(again.body).toContain('Allow Patient portal to sign you in?');
    expect((await browser.json('DELETE', `/api/v1/me/apps/${app.clientId}`)).status).toBe(404);
    const events = await rig.t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', '=', 'oidc.access_revoked')
      .execute();
    expect(events).toHaveLength(1);
  });

  it("rotating or deleting an app shuts out the old secret; signing out everywhere revokes the apps' refresh tokens", async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const browser = new WebBrowser(rig.base);

    // Rotation: the new secret is shown once and never stored in clear; the old one keeps working for the
    // overlap (24 hours by default), then stops.
    const rotated = await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients/${app.clientId}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().clientSecret as string;
    expect(newSecret).toMatch(/^tfcs_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(rotated.json().client.previousSecretExpiresAt) - rig.t.clock.now().getTime()).toBeGreaterThan(
      23.9 * 3_600_000,
    );
    const stored = await rig.t.ctx.db.kysely
      .selectFrom('oidc_clients')
      .select(['secret_hash', 'previous_secret_hash'])
      .where('id', '=', app.clientId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(newSecret);
    expect(JSON.stringify(stored)).not.toContain(app.clientSecret!);
    const first = await authRequest(config);
    expect((await redeem(config, first, await signInForApp(browser, first))).claims()!.sub).toBe(rig.ownerId);
    rig.t.clock.advanceSeconds(25 * 3600);
    const late = new WebBrowser(rig.base);
    const second = await authRequest(config);
    await expect(redeem(config, second, await signInForApp(late, second))).rejects.toMatchObject(INVALID_CLIENT);

    // A leaked secret: rotate with no overlap, and the replaced secret stops at once.
    expect((await rig.owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).statusCode).toBe(
      200,
    );
    expect((await rig.owner.post('/api/v1/sign-in/verify', { method: 'totp', code: code() })).statusCode).toBe(200);
    const leaked = await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients/${app.clientId}/rotate-secret`, {
      keepOldSecretHours: 0,
    });
    expect(leaked.json().client.previousSecretExpiresAt).toBeNull();
    expect(
      (
        await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients/${app.clientId}/rotate-secret`, {
          keepOldSecretHours: 9999,
        })
      ).statusCode,
    ).toBe(400);
    const third = await authRequest(config);
    const replaced = await rpConfig(rig, { clientId: app.clientId, clientSecret: newSecret });
    const thirdPage = await late.go(third.url.toString());
    expect(thirdPage.url.startsWith(RP_CALLBACK)).toBe(true);
    await expect(redeem(replaced, third, thirdPage.url)).rejects.toMatchObject(INVALID_CLIENT);
    const current = await rpConfig(rig, { clientId: app.clientId, clientSecret: leaked.json().clientSecret as string });
    const request = await authRequest(current, { scope: 'openid offline_access', prompt: 'consent' });
    const page = await late.go(request.url.toString());
    const tokens = await redeem(
      current,
      request,
      (page.url.startsWith(RP_CALLBACK) ? page : await allow(late, page)).url,
    );
    expect(tokens.refresh_token).toBeTruthy();

    // Sign out everywhere: the apps' sessions, grants and refresh tokens go too.
    expect((await late.json('POST', '/api/v1/me/sessions/revoke-all')).status).toBe(200);
    await expect(oidcClient.refreshTokenGrant(current, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    // Deleting the app: its requests are refused.
    expect((await rig.owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).statusCode).toBe(
      200,
    );
    expect((await rig.owner.post('/api/v1/sign-in/verify', { method: 'totp', code: code() })).statusCode).toBe(200);
    expect((await rig.owner.delete(`/api/v1/orgs/${rig.orgId}/oidc-clients/${app.clientId}`)).statusCode).toBe(204);
    const gone = await late.go((await authRequest(current)).url.toString());
    expect(gone.status).toBe(400);
    expect(gone.body).toContain('invalid_client');
  });

  it('signing keys rotate: the JWKS publishes the new and the previous key, and new ID tokens use the new one', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const browser = new WebBrowser(rig.base);
    const before = await authRequest(config);
    const oldToken = (await redeem(config, before, await signInForApp(browser, before))).id_token!;
    const { kid } = await rotateSigningKey(rig.t.ctx);
    await rig.t.app.oidc.refresh();
    const jwks = (await (await fetch(`${rig.issuer}/jwks`)).json()) as { keys: Array<{ kid: string; d?: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid, 'tf-1']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const after = await authRequest(config);
    const page = await browser.go(after.url.toString());
    const newToken = (await redeem(await rpConfig(rig, app), after, page.url)).id_token!;
    const header = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string };
    expect(header(oldToken).kid).toBe('tf-1');
    expect(header(newToken).kid).toBe(kid);
    const sealed = await rig.t.ctx.db.kysely.selectFrom('oidc_signing_keys').select('sealed_private_jwk').execute();
    for (const row of sealed) expect(row.sealed_private_jwk).not.toContain('"d"');
  });

  it('the Apps page registers an app and shows its secret once, saves addresses, gives a new secret and deletes the app', async () => {
    const page = `/orgs/${rig.orgId}/apps`;
    expect(
      (await rig.owner.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'totp', code: code() }))
        .statusCode,
    ).toBe(200);
    const created = await rig.owner.submitForm(page, page, {
      name: 'Front desk',
      kind: 'confidential',
      tokenAuthMethod: 'client_secret_post',
      redirectUris: `${RP_CALLBACK}\n  \nhttp://127.0.0.1:9000/cb`,
      postLogoutRedirectUris: '',
    });
    expect(created.statusCode).toBe(201);
    const shownSecret = /id="client-secret">([^<]+)</.exec(created.body)![1]!;
    const clientId = /Client ID <code>([^<]+)</.exec(created.body)![1]!;
    expect(shownSecret).toMatch(/^tfcs_/);
    const listed = await rig.owner.get(page);
    expect(listed.body).toContain('Front desk');
    expect(listed.body).not.toContain(shownSecret);
    const api = (await rig.owner.get(`/api/v1/orgs/${rig.orgId}/oidc-clients/${clientId}`)).json().client;
    expect(api).toMatchObject({
      kind: 'confidential',
      tokenAuthMethod: 'client_secret_post',
      redirectUris: [RP_CALLBACK, 'http://127.0.0.1:9000/cb'],
    });

    const invalid = await rig.owner.submitForm(page, `${page}/${clientId}/update`, {
      name: 'Front desk',
      redirectUris: 'http://evil.example/cb',
      postLogoutRedirectUris: '',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('http is only allowed for localhost');
    const saved = await rig.owner.submitForm(page, `${page}/${clientId}/update`, {
      name: 'Reception',
      redirectUris: RP_CALLBACK,
      postLogoutRedirectUris: RP_LOGGED_OUT,
    });
    expect(saved.statusCode).toBe(200);
    expect((await rig.owner.get(`/api/v1/orgs/${rig.orgId}/oidc-clients/${clientId}`)).json().client).toMatchObject({
      name: 'Reception',
      postLogoutRedirectUris: [RP_LOGGED_OUT],
    });

    const rotated = await rig.owner.submitForm(page, `${page}/${clientId}/rotate-secret`, {});
    const second = /id="client-secret">([^<]+)</.exec(rotated.body)![1]!;
    expect(second).not.toBe(shownSecret);
    const deleted = await rig.owner.submitForm(page, `${page}/${clientId}/delete`, {});
    expect(deleted.body).toContain('Reception was deleted');
    expect((await rig.owner.get(`/api/v1/orgs/${rig.orgId}/oidc-clients/${clientId}`)).statusCode).toBe(404);
  });

  it('app registration: owners and admins only, sudo to create, addresses checked, every change audited', async () => {
    const staff = await createMember(rig.t.ctx, OPERATOR, {
      org: { id: rig.orgId, name: OWNER.orgName, createdAt: '' },
      email: 'staff@acme.test',
      role: 'staff',
      password: MEMBER_PASSWORD,
    });
    const staffBrowser = new WebBrowser(rig.base);
    const signIn = await staffBrowser.go(`${rig.base}/sign-in`);
    await signInThrough(staffBrowser, signIn, 'staff@acme.test', MEMBER_PASSWORD);
    const denied = await staffBrowser.json('GET', `/api/v1/orgs/${rig.orgId}/oidc-clients`);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('forbidden');
    expect(staff.id).toBeTruthy();

    rig.t.clock.advanceSeconds(11 * 60);
    const noSudo = await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients`, {
      name: 'X',
      kind: 'confidential',
      redirectUris: [RP_CALLBACK],
    });
    expect(noSudo.statusCode).toBe(403);
    expect(noSudo.json().error.code).toBe('reauthentication_required');
    expect(
      (await rig.owner.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'totp', code: code() }))
        .statusCode,
    ).toBe(200);
    for (const [uri, reason] of [
      ['http://app.example.com/cb', /http is only allowed for localhost/],
      ['https://app.example.com/cb#x', /fragment/],
      ['javascript:alert(1)', /use https/],
      ['not a url', /absolute URL/],
    ] as const) {
      const bad = await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients`, {
        name: 'X',
        kind: 'confidential',
        redirectUris: [uri],
      });
      expect(bad.statusCode, uri).toBe(400);
      expect(bad.json().error.code).toBe('invalid_request');
      expect(bad.json().error.message).toMatch(reason);
    }
    const native = await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients`, {
      name: 'Mobile',
      kind: 'public',
      redirectUris: ['com.acme.app:/callback'],
    });
    expect(native.statusCode).toBe(201);
    const id = native.json().client.clientId as string;
    const renamed = await rig.owner.patch(`/api/v1/orgs/${rig.orgId}/oidc-clients/${id}`, {
      name: 'Mobile app',
      redirectUris: ['com.acme.app:/callback', 'http://127.0.0.1:8123/cb'],
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().client.redirectUris).toHaveLength(2);
    // (No body at all is fine for rotate-secret; a public app has no secret to rotate.)
    expect(
      (await rig.owner.request('POST', `/api/v1/orgs/${rig.orgId}/oidc-clients/${id}/rotate-secret`)).json().error.code,
    ).toBe('conflict');
    expect((await rig.owner.delete(`/api/v1/orgs/${rig.orgId}/oidc-clients/${id}`)).statusCode).toBe(204);
    expect((await rig.owner.get(`/api/v1/orgs/${rig.orgId}/oidc-clients/${id}`)).statusCode).toBe(404);
    const audit = (await rig.owner.get(`/api/v1/orgs/${rig.orgId}/audit?limit=50`)).json() as {
      events: Array<{ event: string }>;
    };
    const names = audit.events.map((e) => e.event);
    for (const event of ['oidc_client.created', 'oidc_client.updated', 'oidc_client.deleted'])
      expect(names).toContain(event);
  });
});
