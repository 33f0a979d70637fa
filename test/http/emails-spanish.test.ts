/**
 * Emails speak the recipient's saved language, with times in their saved time zone (src/mail/templates.ts):
 * a Spanish-speaking owner in Mexico City gets every notice in Spanish, while an English-speaking member of
 * the same org keeps today's English word for word. An invitation is written in the inviter's language.
 */
import { englishSentences } from '../helpers/i18n.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, OWNER, setUpOwner, tokenFromLink, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { lastEmailCode } from '../helpers/email-codes.ts';
import enMail from '../../src/i18n/catalog/en/mail.ts';

const ZONE = 'America/Mexico_City';
const NEW_PASSWORD = 'copper-meadow-thistle-77';
const NURSE = { email: 'nurse@acme.test', password: 'amber-willow-canyon-19' };

/** Every English sentence of the mail catalogue without placeholders (what must not leak into Spanish). */

describe.each(DIALECTS)("emails in the recipient's language (%s)", (dialect) => {
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

  it('a Spanish owner gets Spanish notices and codes with times in their zone; an English member keeps English', async () => {
    const product = t.ctx.config.productName;
    const before = await t.ctx.db.kysely.selectFrom('mail_outbox').select('id').execute();
    const saved = await owner.patch('/api/v1/me', { locale: 'es', timeZone: ZONE });
    expect(saved.statusCode, saved.body).toBe(200);

    // An invitation goes out in the inviter's language: the invitee has no saved one yet.
    const invited = await owner.post(`/api/v1/orgs/${orgId}/invitations`, { email: NURSE.email, role: 'staff' });
    expect(invited.statusCode, invited.body).toBe(201);
    const invitation = await lastEmailTo(t, NURSE.email);
    expect(invitation.subject).toBe(`Te invitaron a Acme Clinic — ${product}`);
    expect(invitation.text).toContain(`${OWNER.email} te invitó a unirte a Acme Clinic como miembro del personal.`);
    expect(invitation.text).toMatch(/La invitación funciona una sola vez y vence el \d{1,2} [a-z]{3} 2026\./);
    expect(invitation.text).toContain('Aceptar la invitación: http');

    // The member who accepts has no saved language: their emails stay exactly as they were in English.
    const accepted = await new Client(t.app, '10.9.0.1').post('/api/v1/invitations/accept', {
      token: tokenFromLink(invitation.text, '/invitations/accept'),
      password: NURSE.password,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const nurse = new Client(t.app, '10.9.0.2');
    expect((await nurse.post('/api/v1/sign-in', NURSE)).statusCode).toBe(200);
    const nurseChanged = await nurse.post('/api/v1/me/password', {
      currentPassword: NURSE.password,
      newPassword: `${NURSE.password}-2`,
    });
    expect(nurseChanged.statusCode, nurseChanged.body).toBeLessThan(300);
    expect(await lastEmailTo(t, NURSE.email)).toEqual({
      subject: `Your password was changed — ${product}`,
      text: `The password of your account was changed. Other signed-in sessions were signed out.\n\nIf this was not you, change your password now and contact your organization administrator.\n\n— ${product}\n`,
    });

    // Password changed.
    const changed = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.statusCode, changed.body).toBeLessThan(300);
    expect(await lastEmailTo(t, OWNER.email)).toEqual({
      subject: `Se cambió tu contraseña — ${product}`,
      text: `Se cambió la contraseña de tu cuenta. Se cerraron las demás sesiones abiertas.\n\nSi no fuiste tú, cambia tu contraseña ahora y comunícate con el administrador de tu organización.\n\n— ${product}\n`,
    });

    // Email codes: the setup code, then "a sign-in method was added".
    expect((await owner.post('/api/v1/me/reauthenticate', { password: NEW_PASSWORD })).statusCode).toBe(200);
    expect((await owner.patch(`/api/v1/orgs/${orgId}/policy`, { emailCodes: 'everyone' })).statusCode).toBe(200);
    const start = await owner.post('/api/v1/me/factors/email', {});
    expect(start.statusCode, start.body).toBe(202);
    const setupMail = await lastEmailTo(t, OWNER.email);
    expect(setupMail.subject).toBe(`Confirma los códigos por correo de tu cuenta — ${product}`);
    expect(setupMail.text).toMatch(/^Tu código para activar los códigos por correo es \d{8}\./);
    expect(setupMail.text).toContain('El código funciona una sola vez y vence en 10 minutos.');
    const confirmed = await owner.post('/api/v1/me/factors/email/confirm', {
      enrollmentId: start.json().enrollmentId,
      code: await lastEmailCode(t),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const added = await lastEmailTo(t, OWNER.email);
    expect(added.subject).toBe(`Se agregó un método de inicio de sesión — ${product}`);
    expect(added.text).toContain(
      'Método agregado a tu cuenta como segundo paso para iniciar sesión: Códigos por correo.',
    );

    // A sign-in code by email.
    const browser = new Client(t.app, '10.9.0.3');
    const signIn = await browser.post('/api/v1/sign-in', { email: OWNER.email, password: NEW_PASSWORD });
    expect(signIn.json().status).toBe('second_factor_required');
    expect((await browser.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(202);
    const code = await lastEmailTo(t, OWNER.email);
    expect(code.subject).toBe(`Tu código para iniciar sesión — ${product}`);
    expect(code.text).toMatch(new RegExp(`^Tu código para iniciar sesión en ${product} es \\d{8}\\.`));

    // A sign-in from a browser never seen: the notice names it in Spanish ("Firefox en Linux"), time in her zone.
    const firefox = new Client(t.app, '10.9.0.5');
    const agent = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' };
    const firstStep = await firefox.request(
      'POST',
      '/api/v1/sign-in',
      { email: OWNER.email, password: NEW_PASSWORD },
      agent,
    );
    expect(firstStep.json().status).toBe('second_factor_required');
    expect((await firefox.request('POST', '/api/v1/sign-in/send', { method: 'email' }, agent)).statusCode).toBe(202);
    const verified = await firefox.request(
      'POST',
      '/api/v1/sign-in/verify',
      { method: 'email', code: await lastEmailCode(t) },
      agent,
    );
    expect(verified.statusCode, verified.body).toBe(200);
    const notice = await lastEmailTo(t, OWNER.email);
    expect(notice.subject).toBe(`Nuevo inicio de sesión en tu cuenta — ${product}`);
    expect(notice.text).toMatch(
      /desde un dispositivo que no habíamos visto antes: Firefox en Linux, dirección IP 10\.9\.0\.5, el \d{1,2} nov 2026, \d{2}:\d{2} GMT-6\./,
    );

    // Recovery: the link, then its start with the completion time in Mexico City (UTC−6 in November).
    expect((await browser.post('/api/v1/recovery')).statusCode).toBe(202);
    const recoveryLink = await lastEmailTo(t, OWNER.email);
    expect(recoveryLink.subject).toBe(`Recupera el acceso a tu cuenta — ${product}`);
    expect(recoveryLink.text).toContain('la recuperación se completa 24 horas después de que abras el enlace');
    const confirm = await new Client(t.app, '10.9.0.4').post('/api/v1/recovery/confirm', {
      token: tokenFromLink(recoveryLink.text, '/recovery/confirm'),
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect(confirm.json().completesAt).toMatch(/^2026-11-25T12:00/);
    const started = await lastEmailTo(t, OWNER.email);
    expect(started.subject).toBe(`Alguien inició la recuperación de tu cuenta — ${product}`);
    expect(started.text).toContain(
      'Se inició la recuperación de la cuenta. El 25 nov 2026, 06:00 GMT-6, el siguiente inicio de sesión con tu contraseña eliminará tus métodos de verificación en dos pasos.',
    );
    expect(started.text).toContain('Cancelar la recuperación: http');
    expect(started.text).not.toContain('UTC');

    // Every email to the owner since the change is in Spanish: no English sentence of the catalogue, lang="es".
    const sentences = englishSentences(enMail);
    expect(sentences.length).toBeGreaterThan(50);
    const mails = await t.ctx.db.kysely
      .selectFrom('mail_outbox')
      .select(['id', 'subject', 'body_text', 'body_html'])
      .where('recipient', '=', OWNER.email)
      .where('channel', '=', 'email')
      .execute();
    const fresh = mails.filter((m) => !before.some((b) => b.id === m.id));
    expect(fresh.length).toBeGreaterThanOrEqual(6);
    for (const mail of fresh) {
      expect(mail.body_html, mail.subject).toContain('<html lang="es">');
      expect(
        sentences.filter((s) => mail.body_text.includes(s) || mail.subject.includes(s)),
        mail.subject,
      ).toEqual([]);
    }
  });
});
