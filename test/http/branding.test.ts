/**
 * Per-org branding: set over the JSON API by owners and admins (sudo, audited), refused for colours too
 * light for white text (WCAG 2.1 SC 1.4.3) and for logos that are not PNG/JPEG by their bytes or are too big;
 * the logo served from twofold's origin with its type, a strong ETag and nosniff; and shown on the sign-in
 * page for `?org=`, on an app's sign-in, on the second step, and on the settings page's no-script forms.
 * An unknown org looks exactly like the product's own sign-in page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, OWNER, setUpOwner, tokenFromLink, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { authRequest, registerApp, rpConfig, startOidcRig, WebBrowser, type OidcRig } from '../helpers/oidc.ts';

const PASSWORD = 'quiet-meadow-copper-81';
/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

function withoutCsrf(body: string): string {
  return body.replace(/name="_csrf" value="[^"]*"/g, '').replace(/name="resume" value="[^"]*"/g, '');
}

describe.each(DIALECTS)('branding (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId } = await setUpOwner(t));
  });
  afterEach(async () => {
    await t.close();
  });

  const upload = (client: Client, bytes: Buffer, type: string) =>
    client.putBytes(`/api/v1/orgs/${orgId}/branding/logo`, bytes, type);

  async function member(email: string, role: 'admin' | 'staff') {
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email,
      role,
      password: PASSWORD,
    });
    const client = new Client(t.app);
    expect((await client.post('/api/v1/sign-in', { email, password: PASSWORD })).json().status).toBe('signed_in');
    return client;
  }

  it('an owner sets the name and colour; the sign-in page for ?org= shows them; changes are audited', async () => {
    const before = await owner.get(`/api/v1/orgs/${orgId}/branding`);
    expect(before.json()).toEqual({ branding: { displayName: null, accentColor: null, logoUrl: null } });
    const set = await owner.patch(`/api/v1/orgs/${orgId}/branding`, {
      displayName: 'Acme Care',
      accentColor: '#0B5394',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().branding).toMatchObject({ displayName: 'Acme Care', accentColor: '#0b5394' });

    const page = await new Client(t.app).get(`/sign-in?org=${orgId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span>Acme Care</span>');
    expect(page.body).toContain(`<link rel="stylesheet" href="/branding/${orgId}/theme.css?v=0b5394">`);
    expect(page.body).toContain(`name="org" value="${orgId}"`);
    const theme = await new Client(t.app).get(`/branding/${orgId}/theme.css`);
    expect(theme.statusCode).toBe(200);
    expect(theme.headers['content-type']).toMatch(/^text\/css/);
    expect(theme.body).toContain('--brand: #0b5394;');

    const audit = await owner.get(`/api/v1/orgs/${orgId}/audit?event=branding.changed`);
    expect(audit.json().events).toHaveLength(1);
    expect(audit.json().events[0].details.accentColor).toContain('#0b5394');

    // "" puts the default back: the page shows the product's own colour again.
    await owner.patch(`/api/v1/orgs/${orgId}/branding`, { accentColor: '' });
    const plain = await new Client(t.app).get(`/sign-in?org=${orgId}`);
    expect(plain.body).not.toContain('theme.css');
    expect(plain.body).toContain('<span>Acme Care</span>');
  });

  it('refuses an accent colour too light for white text, naming the ratio; and a malformed one', async () => {
    const light = await owner.patch(`/api/v1/orgs/${orgId}/branding`, { accentColor: '#ffcc00' });
    expect(light.statusCode).toBe(400);
    const error = light.json().error;
    expect(error.code).toBe('accent_contrast_too_low');
    expect(error.field).toBe('accentColor');
    expect(error.ratio).toBeLessThan(4.5);
    expect(error.minimum).toBe(4.5);
    expect(error.message).toContain(`${error.ratio}:1`);
    // Just under and just over the line: #777777 is 4.48:1 on white, #767676 4.54:1 (both lower on the page background).
    expect((await owner.patch(`/api/v1/orgs/${orgId}/branding`, { accentColor: '#777777' })).statusCode).toBe(400);
    expect((await owner.patch(`/api/v1/orgs/${orgId}/branding`, { accentColor: '#6e6e6e' })).statusCode).toBe(200);
    const bad = await owner.patch(`/api/v1/orgs/${orgId}/branding`, { accentColor: 'blue' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', field: 'accentColor' });
    expect((await owner.get(`/api/v1/orgs/${orgId}/branding`)).json().branding.accentColor).toBe('#6e6e6e');
  });

  it('takes a PNG or JPEG logo and serves it from its own origin with its type, a strong ETag and nosniff', async () => {
    const put = await upload(owner, PNG, 'image/png');
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().branding.logoUrl).toBe(`/branding/${orgId}/logo`);
    const logo = await t.app.inject({ method: 'GET', url: `/branding/${orgId}/logo` });
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['x-content-type-options']).toBe('nosniff');
    expect(logo.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(logo.rawPayload.equals(PNG)).toBe(true);
    const etag = String(logo.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await t.app.inject({
      method: 'GET',
      url: `/branding/${orgId}/logo`,
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    // The sign-in page shows it; the CSP keeps img-src to twofold's own origin.
    const page = await new Client(t.app).get(`/sign-in?org=${orgId}`);
    expect(page.body).toMatch(
      new RegExp(`<img class="brand-logo" src="/branding/${orgId}/logo\\?v=[0-9a-f]{16}" alt=""`),
    );
    expect(page.headers['content-security-policy']).toContain("img-src 'self' data:");

    const jpeg = await upload(owner, JPEG, 'image/jpeg');
    expect(jpeg.statusCode).toBe(200);
    const served = await t.app.inject({ method: 'GET', url: `/branding/${orgId}/logo` });
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers.etag).not.toBe(etag);

    expect((await owner.delete(`/api/v1/orgs/${orgId}/branding/logo`)).json().branding.logoUrl).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: `/branding/${orgId}/logo` })).statusCode).toBe(404);
  });

  it('refuses a logo that is too big, SVG, or a PNG header on something else', async () => {
    const big = Buffer.concat([PNG.subarray(0, 33), Buffer.alloc(300 * 1024), PNG.subarray(33)]);
    const tooBig = await upload(owner, big, 'image/png');
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('payload_too_large');
    const svg = await upload(owner, SVG, 'image/svg+xml');
    expect(svg.statusCode).toBe(415);
    expect(svg.json().error.code).toBe('logo_type_not_allowed');
    const fake = Buffer.concat([PNG.subarray(0, 8), Buffer.from('<html><script>alert(1)</script></html>')]);
    expect((await upload(owner, fake, 'image/png')).json().error.code).toBe('logo_type_not_allowed');
    // A real PNG claimed to be a JPEG (or the other way round) is refused too.
    expect((await upload(owner, PNG, 'image/jpeg')).json().error.code).toBe('logo_type_not_allowed');
    expect((await upload(owner, PNG, 'text/html')).json().error.code).toBe('logo_type_not_allowed');
    expect((await t.app.inject({ method: 'GET', url: `/branding/${orgId}/logo` })).statusCode).toBe(404);
    // The raw-body route keeps the cross-site rule: a session cookie without our Origin is refused.
    for (const origin of [undefined, 'https://evil.example']) {
      const crossSite = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/orgs/${orgId}/branding/logo`,
        headers: {
          'content-type': 'image/png',
          cookie: ['tf_session', '__Host-tf_session']
            .filter((n) => owner.cookie(n))
            .map((n) => `${n}=${owner.cookie(n)}`)
            .join('; '),
          ...(origin ? { origin } : {}),
        },
        payload: PNG,
      });
      expect(crossSite.statusCode).toBe(403);
      expect(crossSite.json().error.code).toBe('csrf_failed');
    }
  });

  it('only owners and admins change branding, with a fresh re-authentication', async () => {
    const staff = await member('nurse@acme.test', 'staff');
    expect((await staff.get(`/api/v1/orgs/${orgId}/branding`)).statusCode).toBe(403);
    const patched = await staff.patch(`/api/v1/orgs/${orgId}/branding`, { displayName: 'Evil' });
    expect(patched.statusCode).toBe(403);
    expect(patched.json().error.code).toBe('forbidden');
    expect((await upload(staff, PNG, 'image/png')).statusCode).toBe(403);
    expect((await staff.get(`/orgs/${orgId}/branding`)).statusCode).toBe(403);

    const admin = await member('admin@acme.test', 'admin');
    expect((await admin.patch(`/api/v1/orgs/${orgId}/branding`, { displayName: 'Acme Care' })).statusCode).toBe(200);

    t.clock.advanceSeconds(11 * 60);
    const stale = await owner.patch(`/api/v1/orgs/${orgId}/branding`, { displayName: 'Later' });
    expect(stale.json().error.code).toBe('reauthentication_required');
    expect((await upload(owner, PNG, 'image/png')).json().error.code).toBe('reauthentication_required');
    expect((await owner.get(`/api/v1/orgs/${orgId}/branding`)).json().branding.displayName).toBe('Acme Care');
  });

  it('an unknown org, or one without branding, in ?org= shows the product’s own sign-in page, the same', async () => {
    const plain = await new Client(t.app).get('/sign-in');
    const unknown = await new Client(t.app).get('/sign-in?org=no-such-org');
    const unbranded = await new Client(t.app).get(`/sign-in?org=${orgId}`);
    for (const page of [unknown, unbranded]) {
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`<a class="brand" href="/">${t.ctx.config.productName}</a>`);
      expect(page.body).not.toContain('theme.css');
      expect(page.body).not.toContain(OWNER.orgName);
    }
    // The language links come back to the page asked for, each with its own ?org=.
    const same = (body: string) =>
      withoutCsrf(body)
        .replace(/name="org" value="[^"]*"/, '')
        .replace(/next=[^"]*"/g, '');
    expect(same(unknown.body)).toBe(same(unbranded.body));
    expect(withoutCsrf(plain.body)).toContain('Sign in');
    expect((await new Client(t.app).get('/sign-in?org=%3Cscript%3E')).body).not.toContain('<script>');
    expect((await t.app.inject({ method: 'GET', url: '/branding/no-such-org/theme.css' })).statusCode).toBe(404);
  });

  it('a refused sign-in form keeps the branding; the second step shows the branding of the person’s org', async () => {
    await owner.patch(`/api/v1/orgs/${orgId}/branding`, { displayName: 'Acme Care', accentColor: '#0b5394' });
    const nurse = await member('nurse@acme.test', 'staff');
    await enrolTotp(t, nurse, PASSWORD);
    const browser = new Client(t.app);
    const bad = await browser.submitForm(`/sign-in?org=${orgId}`, '/sign-in', {
      email: 'nurse@acme.test',
      password: 'wrong-password-entirely',
      org: orgId,
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('<span>Acme Care</span>');
    // Without ?org=: the person is known at the second step, and so is their org.
    const first = await new Client(t.app).get('/sign-in');
    expect(first.body).not.toContain('Acme Care');
    const step = await browser.submitForm('/sign-in', '/sign-in', { email: 'nurse@acme.test', password: PASSWORD });
    expect(step.statusCode).toBe(303);
    expect(step.headers.location).toBe('/sign-in/challenge');
    const challenge = await browser.get('/sign-in/challenge');
    expect(challenge.statusCode).toBe(200);
    expect(challenge.body).toContain('<span>Acme Care</span>');
    expect(challenge.body).toContain(`/branding/${orgId}/theme.css`);
  });

  it("security emails to a member of a branded org go out under the org's display name", async () => {
    const nurse = await member('nurse@acme.test', 'staff');
    await enrolTotp(t, nurse, PASSWORD);
    const product = t.ctx.config.productName;
    expect((await lastEmailTo(t, 'nurse@acme.test')).subject).toBe(`A sign-in method was added — ${product}`);
    await owner.patch(`/api/v1/orgs/${orgId}/branding`, { displayName: 'Acme Care' });
    await enrolTotp(t, owner, OWNER.password);
    const mail = await lastEmailTo(t, OWNER.email);
    expect(mail.subject).toBe(`A sign-in method was added — Acme Care · ${product}`);
    expect(mail.text).toContain(`— Acme Care · ${product}`);
  });

  it("error pages wear the org's look: the signed-in member's org, or ?org= for someone signed out", async () => {
    await owner.patch(`/api/v1/orgs/${orgId}/branding`, { displayName: 'Acme Care', accentColor: '#0B5394' });
    const missing = await owner.request('GET', '/no-such-page', undefined, { accept: 'text/html' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<span>Acme Care</span>');
    expect(missing.body).toContain(`/branding/${orgId}/theme.css?v=0b5394`);
    const anonymous = await new Client(t.app).request('GET', `/no-such-page?org=${orgId}`, undefined, {
      accept: 'text/html',
    });
    expect(anonymous.statusCode).toBe(404);
    expect(anonymous.body).toContain('<span>Acme Care</span>');
    const plain = await new Client(t.app).request('GET', '/no-such-page', undefined, { accept: 'text/html' });
    expect(plain.body).not.toContain('Acme Care');
    expect(plain.body).toContain('Page not found');
  });

  it("an invitation's page shows the inviting org's branding", async () => {
    await owner.patch(`/api/v1/orgs/${orgId}/branding`, { displayName: 'Acme Care' });
    expect(
      (await owner.post(`/api/v1/orgs/${orgId}/invitations`, { email: 'new@acme.test', role: 'staff' })).statusCode,
    ).toBe(201);
    const token = tokenFromLink((await lastEmailTo(t, 'new@acme.test')).text, '/invitations/accept');
    const page = await new Client(t.app).get(`/invitations/accept?token=${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span>Acme Care</span>');
    const dead = await new Client(t.app).get(`/invitations/accept?token=${'x'.repeat(43)}`);
    expect(dead.body).not.toContain('Acme Care');
  });

  it('the Branding page saves name and colour and uploads a logo with plain forms', async () => {
    const page = await owner.get(`/orgs/${orgId}/branding`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    const low = await owner.submitForm(`/orgs/${orgId}/branding`, `/orgs/${orgId}/branding`, {
      displayName: 'Acme Care',
      accentColor: '#ffcc00',
    });
    expect(low.statusCode).toBe(400);
    expect(low.body).toMatch(/contrast of \d+(\.\d+)?:1/);
    expect(low.body).toContain('aria-invalid="true"');
    expect(low.body).toContain('value="#ffcc00"');
    const saved = await owner.submitForm(`/orgs/${orgId}/branding`, `/orgs/${orgId}/branding`, {
      displayName: 'Acme Care',
      accentColor: '#0b5394',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Branding saved.');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(saved.body)![1]!;
    const multipart = (bytes: Buffer, type: string) => {
      const boundary = '----twofoldtest';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="logo.png"\r\nContent-Type: ${type}\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return t.app.inject({
        method: 'POST',
        url: `/orgs/${orgId}/branding/logo`,
        headers: {
          origin: t.ctx.config.publicOrigin,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          cookie: ['tf_session', 'tf_csrf', '__Host-tf_session', '__Host-tf_csrf']
            .filter((n) => owner.cookie(n))
            .map((n) => `${n}=${owner.cookie(n)}`)
            .join('; '),
        },
        payload: body,
      });
    };
    const svg = await multipart(SVG, 'image/svg+xml');
    expect(svg.statusCode).toBe(415);
    expect(svg.body).toContain('The logo must be a PNG or JPEG image.');
    const ok = await multipart(PNG, 'image/png');
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(200);
    expect(ok.body).toContain('Logo uploaded.');
    expect(ok.body).toContain(`src="/branding/${orgId}/logo"`);
    const removed = await owner.submitForm(`/orgs/${orgId}/branding`, `/orgs/${orgId}/branding/logo/remove`, {});
    expect(removed.body).toContain('Logo removed.');
    expect((await owner.get(`/api/v1/orgs/${orgId}/branding`)).json().branding.logoUrl).toBeNull();

    // Later, a change asks "Confirm it's you" for this action, and then finishes it with what was typed.
    t.clock.advanceSeconds(11 * 60);
    const detour = await owner.submitForm(`/orgs/${orgId}/branding`, `/orgs/${orgId}/branding`, {
      displayName: 'Acme Health',
      accentColor: '#0b5394',
    });
    expect(detour.statusCode).toBe(403);
    expect(detour.body).toMatch(/change your organization(&#39;|&#x27;|')s branding/);
    const resume = /name="resume" value="([^"]+)"/.exec(detour.body)![1]!;
    const next = /name="next" value="([^"]+)"/.exec(detour.body)![1]!;
    const csrf2 = /name="_csrf" value="([^"]+)"/.exec(detour.body)![1]!;
    const confirmed = await owner.postForm('/profile/security/reauthenticate', {
      _csrf: csrf2,
      next: next.replace(/&amp;/g, '&'),
      resume,
      action: `/orgs/${orgId}/branding`,
      password: OWNER.password,
    });
    expect(confirmed.statusCode, confirmed.body.slice(0, 300)).toBe(200);
    expect(confirmed.body).toContain('Branding saved.');
    expect((await owner.get(`/api/v1/orgs/${orgId}/branding`)).json().branding.displayName).toBe('Acme Health');
  });
});

describe.each(DIALECTS)('branding on an app’s sign-in (%s)', (dialect) => {
  let rig: OidcRig;
  beforeEach(async () => {
    rig = await startOidcRig(dialect);
  });
  afterEach(async () => {
    await rig.close();
  });

  it("the app's sign-in page shows its org's branding", async () => {
    const app = await registerApp(rig, OWNER.password);
    const set = await rig.owner.patch(`/api/v1/orgs/${rig.orgId}/branding`, {
      displayName: 'Acme Care',
      accentColor: '#0b5394',
    });
    expect(set.statusCode).toBe(200);
    const config = await rpConfig(rig, app);
    const request = await authRequest(config);
    const browser = new WebBrowser(rig.base);
    const page = await browser.go(request.url.toString());
    expect(new URL(page.url).pathname).toBe('/sign-in');
    expect(new URL(page.url).searchParams.get('org')).toBe(rig.orgId);
    expect(page.body).toContain('<span>Acme Care</span>');
    expect(page.body).toContain(`/branding/${rig.orgId}/theme.css`);
  });
});
