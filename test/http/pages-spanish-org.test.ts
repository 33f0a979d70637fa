/**
 * The org pages in Spanish: an owner whose saved language is es sees people, invitations, the security policy
 * (and its review step), 2FA compliance, an exemption, the audit log, branding and import in Spanish, role
 * names included, and none of the org catalogue's English sentences.
 */
import { catalogTexts } from '../helpers/i18n.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import { escapeHtml } from '../../src/core/html.ts';
import enOrg from '../../src/i18n/catalog/en/org.ts';

/** The org catalogue's English sentences that a Spanish page must not show (no placeholders, not short). */
const ENGLISH = catalogTexts(enOrg)
  .map((text) => text.replace(/<[^>]+>/g, ''))
  .filter((text) => text.length > 15 && !text.includes('{{'));

function expectSpanish(body: string, ...texts: string[]): void {
  expect(body).toContain('lang="es"');
  for (const text of texts) expect(body).toContain(text);
  const english = ENGLISH.filter((text) => body.includes(text) || body.includes(escapeHtml(text)));
  expect(english).toEqual([]);
}

describe('org pages in Spanish', () => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let memberId: string;

  beforeEach(async () => {
    t = await createTestApp('sqlite');
    ({ owner, orgId } = await setUpOwner(t));
    expect((await owner.patch('/api/v1/me', { locale: 'es' })).statusCode).toBe(200);
    const member = await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'nurse@acme.test',
      role: 'staff',
      password: 'quiet-meadow-copper-81',
    });
    memberId = member.id;
  });
  afterEach(async () => {
    await t.close();
  });

  it('shows people, the checklist and the invitation form in Spanish, role names too', async () => {
    const page = await owner.get(`/orgs/${orgId}/members`);
    expect(page.statusCode).toBe(200);
    expectSpanish(
      page.body,
      'Personas',
      'Pon en marcha Acme Clinic',
      'Protege tu cuenta: activa la verificación en dos pasos',
      'Invitar a alguien',
      'Enviar invitación',
      'Propietario',
      '>Personal</option>',
      'Invitaciones pendientes',
      'Administrador — gestiona al personal, los clientes y la configuración de seguridad',
    );
    const invited = await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: 'doctor@acme.test',
      role: 'admin',
    });
    expect(invited.statusCode).toBe(303);
    const after = await owner.get(invited.headers.location as string);
    expectSpanish(after.body, 'doctor@acme.test', 'Revocar', 'Administrador');
    const bad = await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: 'doctor@acme.test',
      role: 'nobody',
    });
    expectSpanish(bad.body, 'Elige un rol.');
    const settings = await owner.get(`/orgs/${orgId}/settings`);
    expectSpanish(settings.body, 'Tu rol', '2 miembros', 'Cambiar la política de seguridad');
  });

  it('shows the security policy and its review step in Spanish', async () => {
    const page = await owner.get(`/orgs/${orgId}/security`);
    expectSpanish(
      page.body,
      'Política de seguridad — Acme Clinic',
      'Exigir la verificación en dos pasos',
      'Revisar el cambio',
    );
    const review = await owner.submitForm(`/orgs/${orgId}/security`, `/orgs/${orgId}/security`, {
      requireTwoFactor: 'staff',
      gracePeriodDays: '7',
      trustedDeviceDays: '30',
      emailCodes: 'off',
      phishingResistant: 'off',
      newDeviceCheck: 'staff',
      allowedAuthenticators: '',
    });
    expect(review.statusCode).toBe(200);
    expectSpanish(
      review.body,
      'sin verificación en dos pasos tendrán que configurarla en un plazo de 7 días. Confirma para guardar.',
      'Confirmar y guardar',
    );
    const wrong = await owner.submitForm(`/orgs/${orgId}/security`, `/orgs/${orgId}/security`, {
      requireTwoFactor: 'staff',
      gracePeriodDays: '700',
      trustedDeviceDays: '30',
    });
    expect(wrong.statusCode).toBe(400);
    expectSpanish(wrong.body, 'Escribe un número entero de 0 a 30.');
  });

  it('shows compliance, an exemption, the audit log, branding and import in Spanish', async () => {
    const compliance = await owner.get(`/orgs/${orgId}/compliance`);
    expectSpanish(
      compliance.body,
      'Cumplimiento de 2FA — Acme Clinic',
      'Adopción, últimos 30 días',
      'Descargar como CSV',
      'Desactivada',
      'Personal',
    );
    const exemption = await owner.get(`/orgs/${orgId}/members/${memberId}/exemption`);
    expect(exemption.statusCode).toBe(200);
    expectSpanish(
      exemption.body,
      'Eximir a nurse@acme.test del requisito de verificación en dos pasos',
      'no tiene exención',
      'Cancelar',
    );
    const until = /name="expiresOn" type="date" value="([0-9-]+)"/.exec(exemption.body)?.[1] ?? '';
    const exempted = await owner.submitForm(
      `/orgs/${orgId}/members/${memberId}/exemption`,
      `/orgs/${orgId}/members/${memberId}/exemption`,
      { reason: 'Llave de seguridad en camino', expiresOn: until },
    );
    expect(exempted.statusCode).toBe(303);
    const after = await owner.get(exempted.headers.location as string);
    expectSpanish(after.body, 'Se guardó la exención.', 'exento hasta el', 'Eximir…');
    const exempt = await owner.get(`/orgs/${orgId}/members/${memberId}/exemption`);
    expectSpanish(exempt.body, 'nurse@acme.test está exento hasta el', 'Terminar la exención ahora');
    const deadline = await owner.get(`/orgs/${orgId}/members/${memberId}/deadline`);
    expectSpanish(deadline.body, 'Extender el plazo de verificación en dos pasos de nurse@acme.test');
    const audit = await owner.get(`/orgs/${orgId}/audit`);
    expectSpanish(
      audit.body,
      'Registro de auditoría',
      'Configuró la organización',
      'Todos los eventos',
      'setup.completed',
    );
    const branding = await owner.get(`/orgs/${orgId}/branding`);
    expectSpanish(branding.body, 'Marca — Acme Clinic', 'Nombre visible', 'Subir un logotipo');
    const imported = await owner.get(`/orgs/${orgId}/import`);
    expectSpanish(imported.body, 'Importar miembros — Acme Clinic', 'Pegar CSV', 'Miembros (CSV)');
    // Rejected rows say why in Spanish (the CLI's rejected-rows file keeps its English reasons).
    const pasted = await owner.submitForm(`/orgs/${orgId}/import`, `/orgs/${orgId}/import`, {
      csv: 'email,role\nnot-an-email,staff\nana@acme.test,chief\n',
    });
    expect(pasted.statusCode).toBe(200);
    expectSpanish(
      pasted.body,
      'Filas rechazadas',
      'Línea 2 (not-an-email): falta el email o no es válido',
      'Línea 3 (ana@acme.test): role debe ser uno de: owner, admin, staff, client',
    );
  });
});
