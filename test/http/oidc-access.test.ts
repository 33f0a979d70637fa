/**
 * Only members of the org that registered an app sign in to it — on every path: an existing provider
 * session going straight to consent (and the consent POST itself), prompt=none, the token and refresh
 * endpoints and userinfo after the person lost access, a member past the org's 2FA deadline, and a
 * suspended account.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as oidcClient from 'openid-client';
import { Client, OWNER } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import {
  authRequest,
  formAction,
  redeem,
  registerApp,
  rpConfig,
  RP_CALLBACK,
  signInThrough,
  startOidcRig,
  WebBrowser,
  type OidcRig,
  type Page,
} from '../helpers/oidc.ts';

const PASSWORD = 'quiet-meadow-copper-81';
const OTHER_ORG = { id: 'org-bravo', name: 'Bravo Dental' };

describe.each(DIALECTS)('app access on every OpenID Connect path (%s)', (dialect) => {
  let rig: OidcRig;

  beforeEach(async () => {
    rig = await startOidcRig(dialect);
  });
  afterEach(async () => {
    await rig.close();
  });

  const acme = () => ({ id: rig.orgId, name: OWNER.orgName, createdAt: '' });

  /** A second org with its own owner and its own registered app. */
  async function otherOrgWithApp(): Promise<{ config: oidcClient.Configuration; ownerEmail: string }> {
    const now = rig.t.clock.now().toISOString();
    await rig.t.ctx.db.kysely
      .insertInto('orgs')
      // Each browser here is new: the new-device check has its own tests (device-check.test.ts).
      .values({
        ...OTHER_ORG,
        created_at: now,
        staff_required_since: null,
        everyone_required_since: null,
        new_device_check: 'off',
      })
      .execute();
    const ownerEmail = 'owner@bravo.test';
    await createMember(rig.t.ctx, OPERATOR, {
      org: { ...OTHER_ORG, createdAt: now },
      email: ownerEmail,
      role: 'owner',
      password: PASSWORD,
    });
    const bravo = new Client(rig.t.app);
    expect((await bravo.post('/api/v1/sign-in', { email: ownerEmail, password: PASSWORD })).statusCode).toBe(200);
    const created = await bravo.post(`/api/v1/orgs/${OTHER_ORG.id}/oidc-clients`, {
      name: 'Bravo booking',
      kind: 'confidential',
      redirectUris: [RP_CALLBACK],
    });
    expect(created.statusCode, created.body).toBe(201);
    const app = created.json() as { client: { clientId: string }; clientSecret: string };
    return {
      config: await rpConfig(rig, { clientId: app.client.clientId, clientSecret: app.clientSecret }),
      ownerEmail,
    };
  }

  /** Signs in through an app's request (password only) and allows it; returns the app's callback URL. */
  async function signInAndAllow(browser: WebBrowser, url: string, email: string): Promise<string> {
    let page = await signInThrough(browser, await browser.go(url), email, PASSWORD);
    if (page.body.includes('to sign you in?')) page = await browser.submit(page, formAction(page, /\/consent$/));
    expect(page.url.startsWith(RP_CALLBACK), page.body.slice(0, 400)).toBe(true);
    return page.url;
  }

  /** POSTs straight to an interaction's consent endpoint, with the CSRF field of a page of that interaction. */
  async function postConsent(browser: WebBrowser, page: Page): Promise<Page> {
    const here = formAction(page, /\/abort$/).replace(/\/abort$/, '');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return browser.go(new URL(`${here}/consent`, page.url).toString(), { method: 'POST', form: { _csrf: csrf } });
  }

  async function grantsOf(email: string): Promise<number> {
    const user = await rig.t.ctx.db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const rows = await rig.t.ctx.db.kysely
      .selectFrom('oidc_payloads')
      .select('id')
      .where('model', 'in', ['Grant', 'AuthorizationCode'])
      .where('account_id', '=', user.id)
      .execute();
    return rows.length;
  }

  it("an outsider with a provider session gets neither consent nor a code from another org's app, also with prompt=none", async () => {
    const acmeApp = await rpConfig(rig, await registerApp(rig, OWNER.password));
    const bravo = await otherOrgWithApp();
    const browser = new WebBrowser(rig.base);
    // Signed in to twofold and to Bravo's app: the browser holds a provider session.
    await signInAndAllow(browser, (await authRequest(bravo.config)).url.toString(), bravo.ownerEmail);
    const grantsBefore = await grantsOf(bravo.ownerEmail);

    const page = await browser.go((await authRequest(acmeApp)).url.toString());
    expect(page.status).toBe(403);
    expect(page.body).toContain('is not a member');
    expect(page.body).not.toContain('to sign you in?');
    // The consent POST runs the same checks: no grant, no code, the same refusal.
    const posted = await postConsent(browser, page);
    expect(posted.status).toBe(403);
    expect(posted.url.startsWith(RP_CALLBACK)).toBe(false);
    expect(posted.body).toContain('is not a member');
    expect(await grantsOf(bravo.ownerEmail)).toBe(grantsBefore);

    // prompt=none: the app hears login_required, with no code.
    const silent = await browser.go((await authRequest(acmeApp, { prompt: 'none' })).url.toString());
    const answer = new URL(silent.url);
    expect(silent.url.startsWith(RP_CALLBACK)).toBe(true);
    expect(answer.searchParams.get('code')).toBeNull();
    expect(['login_required', 'interaction_required']).toContain(answer.searchParams.get('error'));
    const consents = await rig.t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', '=', 'oidc.consent_given')
      .execute();
    expect(consents).toHaveLength(1);
  });

  it('a member who lost access after consent gets no new tokens: refresh and userinfo refuse', async () => {
    const config = await rpConfig(rig, await registerApp(rig, OWNER.password));
    const member = await createMember(rig.t.ctx, OPERATOR, {
      org: acme(),
      email: 'nurse@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config, { scope: 'openid email org offline_access', prompt: 'consent' });
    const tokens = await redeem(
      config,
      request,
      await signInAndAllow(browser, request.url.toString(), 'nurse@acme.test'),
    );
    const refreshed = await oidcClient.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();

    // The membership goes (by any path): the token endpoint and userinfo ask the rule again.
    await rig.t.ctx.db.kysely.deleteFrom('memberships').where('user_id', '=', member.id).execute();
    await expect(oidcClient.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidcClient.fetchUserInfo(config, refreshed.access_token, member.id)).rejects.toBeTruthy();
    // And the browser's provider session no longer signs them in.
    const again = await browser.go((await authRequest(config)).url.toString());
    expect(again.status).toBe(403);
    expect(again.body).toContain('is not a member');
  });

  it('a code issued before the member lost access cannot be redeemed', async () => {
    const config = await rpConfig(rig, await registerApp(rig, OWNER.password));
    const member = await createMember(rig.t.ctx, OPERATOR, {
      org: acme(),
      email: 'nurse@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config);
    const callback = await signInAndAllow(browser, request.url.toString(), 'nurse@acme.test');
    await rig.t.ctx.db.kysely.deleteFrom('memberships').where('user_id', '=', member.id).execute();
    await expect(redeem(config, request, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it("a member past the org's 2FA deadline gets the enrolment page, not a code, and no refreshed tokens", async () => {
    const config = await rpConfig(rig, await registerApp(rig, OWNER.password));
    await createMember(rig.t.ctx, OPERATOR, {
      org: acme(),
      email: 'nurse@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config, { scope: 'openid email org offline_access', prompt: 'consent' });
    const tokens = await redeem(
      config,
      request,
      await signInAndAllow(browser, request.url.toString(), 'nurse@acme.test'),
    );

    await rig.owner.post('/api/v1/me/reauthenticate', { password: OWNER.password });
    const policy = await rig.owner.patch(`/api/v1/orgs/${rig.orgId}/policy`, {
      requireTwoFactor: 'staff',
      gracePeriodDays: 1,
    });
    expect(policy.statusCode, policy.body).toBe(200);
    rig.t.clock.advanceSeconds(86_400 + 60);

    await expect(oidcClient.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // A day later the twofold session has idled out: signing in again leads to enrolment, not to the app.
    const page = await signInThrough(
      browser,
      await browser.go((await authRequest(config)).url.toString()),
      'nurse@acme.test',
      PASSWORD,
    );
    expect(page.status).toBe(403);
    expect(page.body).toContain(
      'Your organization requires two-factor authentication before you can continue to Patient portal',
    );
    const silent = new URL((await browser.go((await authRequest(config, { prompt: 'none' })).url.toString())).url);
    expect(silent.searchParams.get('code')).toBeNull();
    expect(['login_required', 'interaction_required']).toContain(silent.searchParams.get('error'));
    // The consent POST of that request refuses too.
    const posted = await postConsent(browser, page);
    expect(posted.status).toBe(403);
    expect(posted.url.startsWith(RP_CALLBACK)).toBe(false);
  });

  it('a suspended account gets no refreshed tokens, even with a refresh token issued before', async () => {
    const config = await rpConfig(rig, await registerApp(rig, OWNER.password));
    const member = await createMember(rig.t.ctx, OPERATOR, {
      org: acme(),
      email: 'nurse@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
    const request = await authRequest(config, { scope: 'openid offline_access', prompt: 'consent' });
    const tokens = await redeem(
      config,
      request,
      await signInAndAllow(new WebBrowser(rig.base), request.url.toString(), 'nurse@acme.test'),
    );
    // Suspended by any path (the flow also ends every token; here only the flag is set, to test the rule).
    await rig.t.ctx.db.kysely
      .updateTable('users')
      .set({ suspended_at: rig.t.clock.now().toISOString() })
      .where('id', '=', member.id)
      .execute();
    await expect(oidcClient.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
