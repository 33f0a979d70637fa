import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as oidcClient from 'openid-client';
import { OWNER } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { authRequest, redeem, registerApp, rpConfig, RP_CALLBACK, RP_LOGGED_OUT, signInThrough, startOidcRig, WebBrowser, type OidcRig } from '../helpers/oidc.ts';

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

  const code = () => {
    const value = codeAt(secret, rig.t.clock.now());
    rig.t.clock.advanceSeconds(30);
    return value;
  };

  it('signs a user in with password + TOTP: code + PKCE, ID token checked against the JWKS, amr/acr, userinfo, refresh, logout', async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const request = await authRequest(config, { scope: 'openid email profile org offline_access', prompt: 'consent' });
    const browser = new WebBrowser(rig.base);

    const signIn = await browser.go(request.url.toString());
    const consent = await signInThrough(browser, signIn, OWNER.email, OWNER.password, code);
    expect(consent.body).toContain('Allow Patient portal to sign you in?');
    const callback = await browser.submit(consent, new URL(consent.body.match(/action="(\/authorize\/[^"]+\/consent)"/)![1]!, rig.base).pathname);
    expect(callback.url.startsWith(RP_CALLBACK)).toBe(true);

    const tokens = await redeem(config, request, callback.url);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(rig.issuer);
    expect(claims.aud).toBe(app.clientId);
    expect(claims.sub).toBe(rig.ownerId);
    expect(claims.email).toBe(OWNER.email);
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(claims.acr).toBe('urn:twofold:aal2');
    expect(typeof claims.auth_time).toBe('number');
    expect(claims.org_id).toBe(rig.orgId);
    expect(claims.roles).toEqual(['owner']);
    expect(tokens.refresh_token).toBeTruthy();

    const userinfo = await oidcClient.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo.email).toBe(OWNER.email);

    // Refresh tokens rotate: the new one works, the old one is refused.
    const refreshed = await oidcClient.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(oidcClient.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    // RP-initiated logout ends the provider session and the twofold session of that browser.
    const logoutUrl = oidcClient.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_LOGGED_OUT });
    const confirm = await browser.go(logoutUrl.toString());
    expect(confirm.body).toContain('Sign out?');
    const action = confirm.body.match(/<form[^>]*action="([^"]+)"/)![1]!;
    const done = await browser.submit(confirm, action.replace(/&amp;/g, '&'), { logout: 'yes' });
    expect(done.url.startsWith(RP_LOGGED_OUT)).toBe(true);
    const profile = await browser.go(`${rig.base}/profile`);
    expect(new URL(profile.url).pathname).toBe('/sign-in');
  });
});
