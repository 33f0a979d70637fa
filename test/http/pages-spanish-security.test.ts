/**
 * The Security pages in Spanish for someone whose saved language is es: the overview (methods, backup
 * codes, trusted browsers), the authenticator-app, passkey, phone and email-code setups, new backup codes,
 * removing a method, turning 2FA off and the API keys. None of the security catalogue's English sentences
 * may show through.
 */
import { englishSentences } from '../helpers/i18n.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { PHONE_NUMBER } from '../helpers/phone.ts';
import english from '../../src/i18n/catalog/en/security.ts';
import { escapeHtml } from '../../src/core/html.ts';

/** The English sentences of the security catalogue that a Spanish page must not contain. */
const SENTENCES = englishSentences(english);

function expectSpanish(body: string, ...spanish: string[]): void {
  expect(body).toContain('lang="es"');
  for (const text of spanish) expect(body).toContain(text);
  const shown = SENTENCES.filter((text) => body.includes(text) || body.includes(escapeHtml(text)));
  expect(shown, 'English texts on a Spanish page').toEqual([]);
}

describe('security pages in Spanish', () => {
  let t: TestApp;
  let owner: Client;
  let factorId: string;
  let orgId: string;

  beforeEach(async () => {
    t = await createTestApp('sqlite');
    ({ owner, orgId } = await setUpOwner(t));
    expect((await owner.patch('/api/v1/me', { locale: 'es' })).statusCode).toBe(200);
    // Confirms the password first: the setup pages below need a fresh re-authentication.
    ({ factorId } = await enrolTotp(t, owner, OWNER.password));
  });
  afterEach(async () => {
    await t.close();
  });

  it('shows the overview: methods, backup codes, trusted browsers, turning 2FA off', async () => {
    const page = await owner.get('/profile/security');
    expect(page.statusCode).toBe(200);
    expectSpanish(
      page.body,
      'Verificación en dos pasos',
      'Tus métodos de inicio de sesión',
      'Te quedan 10 de 10 códigos de respaldo',
      'Navegadores de confianza',
      'No hay navegadores de confianza',
      'Agregar una llave de acceso',
      'Desactivar la verificación en dos pasos',
      // The method's default name reads in the reader's language.
      '<td>App de autenticación  <span class="badge">Predeterminado</span>',
    );
    const done = await owner.get('/profile/security?done=totp_added');
    expectSpanish(done.body, 'Se agregó la app de autenticación.');
  });

  it('sets up an authenticator app and shows new backup codes', async () => {
    const setup = await owner.get('/profile/security/totp');
    expect(setup.statusCode).toBe(200);
    expectSpanish(
      setup.body,
      'Configura una app de autenticación',
      'Escanea este código QR con la app.',
      'Código de la app',
      'data-copied="Copiado"',
    );
    const codes = await owner.submitForm('/profile/security', '/profile/security/backup-codes', {});
    expect(codes.statusCode).toBe(200);
    expectSpanish(codes.body, 'Tus nuevos códigos de respaldo', 'Ya guardé mis códigos', 'Descargar .txt');
  });

  it('asks before removing a method and before turning 2FA off', async () => {
    const remove = await owner.get(`/profile/security/factors/${factorId}/remove`);
    expect(remove.statusCode).toBe(200);
    expectSpanish(remove.body, 'Este es tu último método de inicio de sesión', 'Eliminar y desactivar');
    const off = await owner.get('/profile/security/disable');
    expect(off.statusCode).toBe(200);
    expectSpanish(
      off.body,
      'Desactivar la verificación en dos pasos',
      'Segundo factor',
      'Código de la app de autenticación',
    );
  });

  it('adds a passkey, a phone number and email codes in Spanish', async () => {
    const passkey = await owner.get('/profile/security/passkey');
    expect(passkey.statusCode).toBe(200);
    expectSpanish(passkey.body, 'Agrega una llave de acceso', 'data-message-cancelled="La solicitud');

    const phone = await owner.get('/profile/security/phone');
    expect(phone.statusCode).toBe(200);
    expectSpanish(phone.body, 'Agrega un número de teléfono', '¿Cómo quieres recibir tus códigos?');
    const sent = await owner.submitForm('/profile/security/phone', '/profile/security/phone', {
      phone: PHONE_NUMBER,
      country: '',
      channel: 'sms',
    });
    expect(sent.statusCode).toBe(303);
    const code = await owner.get(sent.headers.location as string);
    expect(code.statusCode).toBe(200);
    expectSpanish(code.body, 'Ingresa el código', 'Enviamos un código de 6 dígitos por mensaje', 'Verificar número');
    const wrong = await owner.postForm('/profile/security/phone/verify', {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(code.body)![1]!,
      enrollmentId: new URL(sent.headers.location as string, 'http://x').searchParams.get('id')!,
      code: '000000',
    });
    expectSpanish(wrong.body, 'intentos.');

    expect((await owner.patch(`/api/v1/orgs/${orgId}/policy`, { emailCodes: 'everyone' })).statusCode).toBe(200);
    const email = await owner.get('/profile/security/email');
    expect(email.statusCode).toBe(200);
    expectSpanish(email.body, 'Activa los códigos por correo', 'Enviar un código');
    const mailed = await owner.submitForm('/profile/security/email', '/profile/security/email', {});
    expect(mailed.statusCode).toBe(303);
    const emailCode = await owner.get(mailed.headers.location as string);
    expect(emailCode.statusCode).toBe(200);
    expectSpanish(emailCode.body, 'Código del correo', 'Activar códigos por correo');
  });

  it('lists and creates API keys in Spanish', async () => {
    const empty = await owner.get('/profile/api-keys');
    expect(empty.statusCode).toBe(200);
    expectSpanish(empty.body, 'Tus claves de API', 'Todavía no hay claves de API.', 'Crear clave');
    const created = await owner.submitForm('/profile/api-keys', '/profile/api-keys', {
      name: 'informe',
      scope: 'read',
    });
    expect(created.statusCode).toBe(201);
    expectSpanish(created.body, 'Copia tu nueva clave ahora', 'Solo lectura', 'nunca');
  });
});
