/**
 * The sign-in, second-step and profile pages in Spanish: chosen by Accept-Language, or by the person's saved
 * language (PATCH /api/v1/me or the profile's "Language and time zone" form), which beats what the browser
 * asks for; a language or time zone we do not know is refused on the page with a clear message.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { resources } from '../../src/i18n/catalog/index.ts';
import type { Catalog } from '../../src/i18n/catalog-types.ts';

const ES = { 'accept-language': 'es-MX,es;q=0.9' };
const EN = { 'accept-language': 'en-US,en;q=0.9' };

function location(response: LightMyRequestResponse): string {
  return String(response.headers.location ?? '');
}

function csrfOf(body: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
}

/** Every text of these English catalogues that is a whole sentence (not a word Spanish might share). */
function englishSentences(...namespaces: Array<'auth' | 'account'>): string[] {
  const out: string[] = [];
  const walk = (catalog: Catalog) => {
    for (const value of Object.values(catalog)) {
      if (typeof value !== 'string') walk(value);
      else if (!value.includes('{{') && !value.includes('<') && value.split(' ').length >= 4) out.push(value);
    }
  };
  for (const namespace of namespaces) walk(resources.en[namespace] as Catalog);
  return out;
}

function expectNoEnglish(body: string, ...namespaces: Array<'auth' | 'account'>): void {
  const text = body.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  for (const sentence of englishSentences(...namespaces)) expect(text, sentence).not.toContain(sentence);
}

describe.each(DIALECTS)('sign-in, challenge and profile pages in Spanish (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Posts a form from `page` (fetched with `headers`) with its CSRF field, sending `headers` again. */
  async function postForm(
    client: Client,
    page: string,
    action: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const csrf = csrfOf((await client.request('GET', page, undefined, headers)).body);
    const response = await t.app.inject({
      method: 'POST',
      url: action,
      remoteAddress: '127.0.0.1',
      headers: {
        origin: t.ctx.config.publicOrigin,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieHeader(client),
        ...headers,
      },
      payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
    (client as unknown as { remember(response: LightMyRequestResponse): void }).remember(response);
    return response;
  }

  /** The client's cookie jar as a header (the same jar its own requests use). */
  function cookieHeader(client: Client): string {
    return (client as unknown as { cookieHeader(): string | undefined }).cookieHeader() ?? '';
  }

  it('the sign-in page speaks Spanish to a Spanish browser, and its language links lead back to English', async () => {
    await setUpOwner(t);
    const anon = new Client(t.app);
    const page = await anon.request('GET', '/sign-in?done=signed_out', undefined, ES);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain('<h1 id="sign-in-title">Iniciar sesión</h1>');
    expect(page.body).toContain('<label for="email">Correo electrónico</label>');
    expect(page.body).toContain('<label for="password">Contraseña</label>');
    expect(page.body).toContain('Recordarme');
    expect(page.body).toContain('Cerraste sesión.');
    expect(page.body).toContain('¿Olvidaste tu contraseña?');
    expectNoEnglish(page.body, 'auth');
    // The footer offers English, in English, coming back to this page.
    const link = /<a href="(\/language\/en\?next=[^"]+)" lang="en" hreflang="en">English<\/a>/.exec(page.body);
    expect(link).not.toBeNull();
    const back = await anon.request('GET', link![1]!.replaceAll('&amp;', '&'), undefined, ES);
    expect(back.statusCode).toBe(303);
    expect(location(back)).toBe('/sign-in?done=signed_out');
    const english = await anon.request('GET', '/sign-in?done=signed_out', undefined, ES);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('<h1 id="sign-in-title">Sign in</h1>');
    expect(english.body).toContain('You are signed out.');

    // The pages reached from an email or by someone who cannot sign in.
    for (const [url, heading] of [
      ['/forgot-password?done=sent', '¿Olvidaste tu contraseña?'],
      ['/reset-password', 'Este enlace no es válido o caducó'],
      ['/invitations/accept', 'Este enlace no es válido o caducó'],
      ['/verify-email', 'Verifica tu dirección de correo electrónico'],
    ] as const) {
      const other = await new Client(t.app).request('GET', url, undefined, ES);
      expect(other.body, url).toContain('<html lang="es">');
      expect(other.body, url).toContain(heading);
      expectNoEnglish(other.body, 'auth', 'account');
    }

    // A wrong password is told in Spanish too (the error text, and the page around it).
    const wrong = await postForm(
      new Client(t.app),
      '/sign-in',
      '/sign-in',
      { email: OWNER.email, password: 'not-the-password-1' },
      ES,
    );
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('<html lang="es">');
    expect(wrong.body).toContain('aria-invalid="true"');
    expectNoEnglish(wrong.body, 'auth');
  });

  it('the second step speaks Spanish, counts the attempts left in Spanish, and signs in', async () => {
    const { owner } = await setUpOwner(t);
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    const browser = new Client(t.app);
    const signedIn = await postForm(
      browser,
      '/sign-in',
      '/sign-in',
      { email: OWNER.email, password: OWNER.password },
      ES,
    );
    expect(signedIn.statusCode).toBe(303);
    expect(location(signedIn)).toBe('/sign-in/challenge');
    const page = await browser.request('GET', '/sign-in/challenge', undefined, ES);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain(`Iniciando sesión como <strong>${OWNER.email}</strong>`);
    expect(page.body).toContain('<button type="submit">Verificar</button>');
    expect(page.body).toContain('¿No tienes acceso a tu dispositivo?');
    expect(page.body).toContain('Cancelar y empezar de nuevo');
    expect(page.body).toContain('Prueba de otra forma');
    expectNoEnglish(page.body, 'auth');

    const wrong = await postForm(
      browser,
      '/sign-in/challenge',
      '/sign-in/challenge',
      { method: 'totp', code: '000000' },
      ES,
    );
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('<html lang="es">');
    expect(wrong.body).toMatch(/Te quedan? \d+ intentos?\./);
    expect(wrong.body).not.toMatch(/attempts? left/);

    const ok = await postForm(
      browser,
      '/sign-in/challenge',
      '/sign-in/challenge',
      { method: 'totp', code: codeAt(secret, t.clock.now()) },
      ES,
    );
    expect(ok.statusCode).toBe(303);
  });

  it('the profile speaks the saved language, before Accept-Language; the form saves and clears it', async () => {
    const { owner } = await setUpOwner(t);
    expect((await owner.request('GET', '/profile', undefined, EN)).body).toContain('<html lang="en">');

    // Saved over the API: Spanish even to a browser asking for English.
    expect((await owner.patch('/api/v1/me', { locale: 'es' })).statusCode).toBe(200);
    const spanish = await owner.request('GET', '/profile', undefined, EN);
    expect(spanish.statusCode).toBe(200);
    expect(spanish.body).toContain('<html lang="es">');
    expect(spanish.body).toContain('<h1>Tu perfil</h1>');
    expect(spanish.body).toContain('Dónde tienes la sesión iniciada');
    expect(spanish.body).toContain('<label for="locale">Idioma</label>');
    expect(spanish.body).toContain('<label for="timeZone">Zona horaria</label>');
    expect(spanish.body).toContain('<option value="es" lang="es" selected>Español</option>');
    expectNoEnglish(spanish.body, 'account');

    // Back to automatic with the form: the browser's language again.
    const cleared = await postForm(owner, '/profile', '/profile/preferences', { locale: '', timeZone: '' }, EN);
    expect(cleared.statusCode).toBe(303);
    expect(location(cleared)).toBe('/profile?done=preferences');
    const english = await owner.request('GET', '/profile?done=preferences', undefined, EN);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Your language and time zone were saved.');
    expect(english.body).toContain('<option value="" selected>Automatic (browser)</option>');
    expect((await owner.request('GET', '/profile', undefined, ES)).body).toContain('<html lang="es">');

    // Saved with the form: Spanish, with the success message in Spanish, whatever the browser asks.
    const saved = await postForm(
      owner,
      '/profile',
      '/profile/preferences',
      { locale: 'es', timeZone: 'America/Chicago' },
      EN,
    );
    expect(saved.statusCode).toBe(303);
    expect(location(saved)).toBe('/profile?done=preferences');
    const after = await owner.request('GET', '/profile?done=preferences', undefined, EN);
    expect(after.body).toContain('<html lang="es">');
    expect(after.body).toContain('Se guardaron tu idioma y tu zona horaria.');
    expect(after.body).toContain('<option value="America/Chicago" selected>America/Chicago</option>');
    // Times on the page are in the saved zone (no "your time" rewrite by the browser).
    expect(after.body).toMatch(/<time datetime="[^"]+">24 nov 2026, 06:00 [^<]+<\/time>/);
    const me = (await owner.get('/api/v1/me')).json() as { user?: { locale?: string; timeZone?: string } };
    expect(JSON.stringify(me)).toContain('America/Chicago');
  });

  it('"Confirm it\'s you" speaks Spanish, and the action it completes answers in Spanish too', async () => {
    const { owner } = await setUpOwner(t);
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    t.clock.advanceSeconds(11 * 60);
    await owner.get('/api/v1/session');
    // With 2FA on, a password change asks to confirm first: the form in place of the page, in Spanish.
    const ask = await postForm(
      owner,
      '/profile',
      '/profile/password',
      { currentPassword: OWNER.password, newPassword: 'short' },
      ES,
    );
    expect(ask.statusCode).toBe(403);
    expect(ask.body).toContain('<html lang="es">');
    expect(ask.body).toContain('<h1 id="reauth-title">Confirma que eres tú</h1>');
    expect(ask.body).toContain('<strong>cambiar tu contraseña</strong>');
    expectNoEnglish(ask.body, 'auth');
    const hidden = Object.fromEntries(
      [...ask.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
        .filter((m) => m[1] !== '_csrf')
        .map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"')]),
    );
    expect(hidden.resume).toBeTruthy();
    t.clock.advanceSeconds(30);
    // The resumed change is refused (too short): that answer is the Spanish profile page.
    const resumed = await postForm(
      owner,
      '/profile/security/confirm?next=/profile',
      '/profile/security/reauthenticate',
      { ...hidden, password: OWNER.password, method: 'totp', code: codeAt(secret, t.clock.now()) },
      ES,
    );
    expect(resumed.statusCode).toBe(400);
    expect(resumed.body).toContain('<html lang="es">');
    expect(resumed.body).toContain('<h2 id="password-title">Cambiar la contraseña</h2>');
  });

  it('a language or time zone we do not know is refused on the page with a clear message (400, not 5xx)', async () => {
    const { owner } = await setUpOwner(t);
    const badLocale = await postForm(owner, '/profile', '/profile/preferences', { locale: 'xx', timeZone: '' }, EN);
    expect(badLocale.statusCode).toBe(400);
    expect(badLocale.headers['content-type']).toContain('text/html');
    expect(badLocale.body).toContain('Choose English (en) or Spanish (es).');
    expect(badLocale.body).toMatch(/<select id="locale" name="locale"[^>]*aria-invalid="true"/);

    const badZone = await postForm(
      owner,
      '/profile',
      '/profile/preferences',
      { locale: 'es', timeZone: 'Mars/Olympus_Mons' },
      ES,
    );
    expect(badZone.statusCode).toBe(400);
    expect(badZone.body).toContain('<html lang="es">');
    expect(badZone.body).toContain('Elige una zona horaria de la lista, como America/Chicago.');
    expect(badZone.body).toMatch(/<select id="timeZone" name="timeZone"[^>]*aria-invalid="true"/);
    // Nothing was saved.
    expect((await owner.request('GET', '/profile', undefined, EN)).body).toContain('<html lang="en">');

    // Without the CSRF field the form is refused, as every other form.
    const forged = await t.app.inject({
      method: 'POST',
      url: '/profile/preferences',
      headers: {
        origin: t.ctx.config.publicOrigin,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieHeader(owner),
      },
      payload: 'locale=es&timeZone=',
    });
    expect(forged.statusCode).toBe(403);
  });
});
