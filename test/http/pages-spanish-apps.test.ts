/**
 * The apps pages in Spanish: an app's `ui_locales` picks the language of its sign-in pages (after the
 * person's saved preference, before Accept-Language), the admin pages follow the saved preference with no
 * English text of the apps catalogue left, and the "Continuing to the app" page wears the org's branding.
 */
import { englishSentences } from '../helpers/i18n.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWNER } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import {
  authRequest,
  formAction,
  registerApp,
  rpConfig,
  signInThrough,
  startOidcRig,
  WebBrowser,
  type OidcRig,
} from '../helpers/oidc.ts';
import en from '../../src/i18n/catalog/en/apps.ts';
import { escapeHtml } from '../../src/core/html.ts';

/** The English catalogue's sentences: leaves long enough to be a sentence and without placeholders. */
const SENTENCES = englishSentences(en);

function expectNoEnglish(body: string, where: string): void {
  const left = SENTENCES.filter((s) => body.includes(s) || body.includes(escapeHtml(s)));
  expect(left, `English left on ${where}`).toEqual([]);
}

describe.each(DIALECTS)('apps pages in Spanish (%s)', (dialect) => {
  let rig: OidcRig;

  beforeEach(async () => {
    rig = await startOidcRig(dialect, { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  });
  afterEach(async () => {
    await rig.close();
  });

  it("speaks the app's ui_locales on its sign-in and consent pages, before Accept-Language and after the saved preference", async () => {
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);

    // ui_locales=es: the sign-in page and the consent page are in Spanish.
    const spanish = new WebBrowser(rig.base, { 'accept-language': 'en' });
    const request = await authRequest(config, { ui_locales: 'es-MX en', prompt: 'consent' });
    const signIn = await spanish.go(request.url.toString());
    expect(new URL(signIn.url).pathname).toBe('/sign-in');
    expect(signIn.body).toContain('<html lang="es">');
    const consent = await signInThrough(spanish, signIn, OWNER.email, OWNER.password);
    expect(consent.body).toContain('<html lang="es">');
    expect(consent.body).toContain('¿Permitir que Patient portal inicie tu sesión?');
    expect(consent.body).toContain('Ver tu dirección de correo electrónico');
    expectNoEnglish(consent.body, 'the consent page');

    // ui_locales=en beats Accept-Language: es.
    const english = new WebBrowser(rig.base, { 'accept-language': 'es' });
    const other = await authRequest(config, { ui_locales: 'en', prompt: 'consent' });
    const signInEn = await english.go(other.url.toString());
    expect(signInEn.body).toContain('<html lang="en">');
    const consentEn = await signInThrough(english, signInEn, OWNER.email, OWNER.password);
    expect(consentEn.body).toContain('<html lang="en">');
    expect(consentEn.body).toContain('Allow Patient portal to sign you in?');
    expect(consentEn.body).toContain('See your email address');

    // Without ui_locales, Accept-Language: es speaks Spanish.
    const plain = await authRequest(config, { prompt: 'consent' });
    const consentAccept = await english.go(plain.url.toString());
    expect(consentAccept.body).toContain('<html lang="es">');

    // The saved preference beats ui_locales.
    const saved = await english.json('PATCH', '/api/v1/me', { locale: 'es' });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    const third = await authRequest(config, { ui_locales: 'en', prompt: 'consent' });
    const consentSaved = await english.go(third.url.toString());
    expect(consentSaved.body).toContain('<html lang="es">');
    expect(consentSaved.body).toContain('¿Permitir que Patient portal inicie tu sesión?');
  });

  it('shows the webhooks, protected hosts and apps pages in Spanish to an owner who chose Spanish', async () => {
    const owner = rig.owner;
    await registerApp(rig, OWNER.password);
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const hook = await owner.post(`/api/v1/orgs/${rig.orgId}/webhooks`, {
      url: 'https://hooks.example.com/twofold',
      events: ['*'],
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const { id } = hook.json() as { id: string };
    const host = await owner.post(`/api/v1/orgs/${rig.orgId}/forward-auth-hosts`, {
      host: 'wiki.example.com',
      requireTwoFactor: false,
      roles: ['owner', 'admin'],
    });
    expect(host.statusCode, host.body).toBe(201);
    expect((await owner.patch('/api/v1/me', { locale: 'es' })).statusCode).toBe(200);

    const pages: Array<[string, string]> = [
      [`/orgs/${rig.orgId}/webhooks`, 'Todos los eventos de seguridad'],
      [`/orgs/${rig.orgId}/webhooks/${id}`, 'El secreto anterior sigue firmando'],
      [`/orgs/${rig.orgId}/forward-auth`, 'propietario, administrador'],
      [`/orgs/${rig.orgId}/apps`, 'Registrar una app'],
      ['/profile/apps', 'Todavía no has permitido ninguna app.'],
      ['/dev/outbox', 'Bandeja de salida'],
    ];
    for (const [path, text] of pages) {
      const page = await owner.get(path);
      expect(page.statusCode, `${path}: ${page.body.slice(0, 300)}`).toBe(200);
      expect(page.body).toContain('<html lang="es">');
      expect(page.body, path).toContain(text);
      expectNoEnglish(page.body, path);
    }

    // A form action's outcome is in Spanish too.
    const page = await owner.get(`/orgs/${rig.orgId}/webhooks/${id}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const toggled = await owner.postForm(`/orgs/${rig.orgId}/webhooks/${id}/toggle`, { _csrf: csrf });
    expect(toggled.body).toContain('El destino está desactivado: no se le envía nada.');
  });

  it("shows the org's display name on the continuing page when the org set branding", async () => {
    const owner = rig.owner;
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const branded = await owner.patch(`/api/v1/orgs/${rig.orgId}/branding`, { displayName: 'Acme Family Health' });
    expect(branded.statusCode, branded.body).toBe(200);
    const host = await owner.post(`/api/v1/orgs/${rig.orgId}/forward-auth-hosts`, {
      host: 'wiki.example.com',
      requireTwoFactor: false,
    });
    expect(host.statusCode, host.body).toBe(201);

    const start = await owner.get(`/forward-auth/start?rd=${encodeURIComponent('https://wiki.example.com/x')}`);
    expect(start.statusCode, start.body.slice(0, 300)).toBe(200);
    expect(start.body).toContain('Continuing to wiki.example.com');
    expect(start.body).toContain('<span>Acme Family Health</span>');

    // The OpenID Connect request's last page too (the consent's answer), in the app's ui_locales.
    const app = await registerApp(rig, OWNER.password);
    const config = await rpConfig(rig, app);
    const browser = new WebBrowser(rig.base);
    const request = await authRequest(config, { ui_locales: 'es', prompt: 'consent' });
    const consent = await signInThrough(browser, await browser.go(request.url.toString()), OWNER.email, OWNER.password);
    expect(consent.body).toContain('<span>Acme Family Health</span>');
    const action = new URL(formAction(consent, /\/consent$/), consent.url).toString();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(consent.body)![1]!;
    const answer = await fetch(action, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        origin: rig.base,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    const body = await answer.text();
    expect(answer.status, body.slice(0, 300)).toBe(200);
    expect(body).toContain('<html lang="es">');
    expect(body).toContain('Continuando a Patient portal');
    expect(body).toContain('<span>Acme Family Health</span>');
  });
});
