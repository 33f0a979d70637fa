/**
 * The security policy change in Spanish, in Chromium at phone width (375 px), with axe on each page: an owner
 * whose saved language is es requires 2FA for staff, reviews how many members it affects, and confirms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

describe('the security policy in Spanish in the browser', () => {
  let rig: BrowserRig;
  let orgId: string;
  beforeAll(async () => {
    rig = await startRig('sqlite');
    const setup = await setUpOwner(rig.t);
    orgId = setup.orgId;
    await createMember(rig.t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'nurse@acme.test',
      role: 'staff',
      password: 'quiet-meadow-copper-81',
    });
    expect((await setup.owner.patch('/api/v1/me', { locale: 'es' })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await rig.close();
  });

  it('Security policy → Staff → Review → Confirm, in Spanish at 375 px', { timeout: 120_000 }, async () => {
    const { page } = await rig.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    await step(page, 'policy-es', async () => {
      await signInOnPage(page, OWNER.email, OWNER.password);
      await page.waitForURL(/\/profile$/);
      await page.goto(`/orgs/${orgId}/security`);
      expect(await page.getAttribute('html', 'lang')).toBe('es');
      await expect
        .poll(() => page.getByRole('heading', { name: 'Política de seguridad — Acme Clinic' }).count())
        .toBe(1);
      await expectAccessible(page);
      expect(await noSideScroll()).toBe(true);
      await page.getByLabel('Personal', { exact: true }).check();
      await page.getByLabel(/^Período de gracia/).fill('7');
      await page.getByRole('button', { name: 'Revisar el cambio' }).click();
      await expect
        .poll(() =>
          page
            .getByText(/2 miembros sin verificación en dos pasos tendrán que configurarla en un plazo de 7 días/)
            .count(),
        )
        .toBe(1);
      await expectAccessible(page);
      expect(await noSideScroll()).toBe(true);
      await page.getByRole('button', { name: 'Confirmar y guardar' }).click();
      await expect.poll(() => page.getByText('Política de seguridad guardada').count()).toBe(1);
      expect(await page.getAttribute('html', 'lang')).toBe('es');
      await expectAccessible(page);
      expect(await noSideScroll()).toBe(true);
    });
  });
});
