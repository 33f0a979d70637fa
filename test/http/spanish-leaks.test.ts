/**
 * Every main page, signed in as an owner who chose Spanish (and signed out with a Spanish browser), holds no
 * English sentence from any catalogue: what is not translated shows up here, whichever part of the product
 * wrote it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { en } from '../../src/i18n/catalog/index.ts';
import type { Catalog } from '../../src/i18n/catalog-types.ts';

function sentences(catalog: Catalog): string[] {
  return Object.values(catalog).flatMap((value) =>
    typeof value === 'string' ? (value.length > 15 && !/\{\{|</.test(value) ? [value] : []) : sentences(value),
  );
}

/**
 * English sentences of the pages' catalogues (emails are checked elsewhere). A factor's default name is left
 * out: it is also the label stored with a method, which the audit log shows as it was recorded.
 */
const STORED_LABELS = new Set(Object.values(en.common.factors).map((f) => (typeof f === 'string' ? f : f.name)));
const ENGLISH = [
  ...new Set(
    Object.entries(en)
      .filter(([ns]) => ns !== 'mail')
      .flatMap(([, c]) => sentences(c as Catalog))
      .filter((s) => !STORED_LABELS.has(s)),
  ),
];

const text = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('no English on Spanish pages', () => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;

  beforeEach(async () => {
    t = await createTestApp('sqlite');
    ({ owner, orgId } = await setUpOwner(t));
    await enrolTotp(t, owner, OWNER.password);
    expect((await owner.patch('/api/v1/me', { locale: 'es' })).statusCode).toBe(200);
  });
  afterEach(async () => {
    await t.close();
  });

  it('signed in: every main page', async () => {
    const leaks: string[] = [];
    for (const path of [
      '/profile',
      '/profile/activity',
      '/profile/apps',
      '/profile/security',
      '/profile/security/totp',
      '/profile/security/passkey',
      '/profile/security/phone',
      '/profile/security/disable',
      `/orgs/${orgId}/members`,
      `/orgs/${orgId}/settings`,
      `/orgs/${orgId}/security`,
      `/orgs/${orgId}/compliance`,
      `/orgs/${orgId}/apps`,
      `/orgs/${orgId}/webhooks`,
      `/orgs/${orgId}/branding`,
      `/orgs/${orgId}/audit`,
      `/orgs/${orgId}/import`,
      `/orgs/${orgId}/api-keys`,
      '/no-such-page',
    ]) {
      const page = await owner.request('GET', path, undefined, { accept: 'text/html' });
      expect(page.body, path).toContain('<html lang="es">');
      const shown = text(page.body);
      for (const sentence of ENGLISH) if (shown.includes(sentence)) leaks.push(`${path}: ${sentence}`);
    }
    expect(leaks).toEqual([]);
  });

  it('signed out, with a Spanish browser: sign-in, the second step, recovery, password reset', async () => {
    const leaks: string[] = [];
    const browser = new Client(t.app);
    const es = { 'accept-language': 'es-MX,es;q=0.9', accept: 'text/html' };
    for (const path of ['/sign-in', '/forgot-password']) {
      const page = await browser.request('GET', path, undefined, es);
      expect(page.body, path).toContain('<html lang="es">');
      for (const sentence of ENGLISH) if (text(page.body).includes(sentence)) leaks.push(`${path}: ${sentence}`);
    }
    await browser.submitForm('/sign-in', '/sign-in', { email: OWNER.email, password: OWNER.password });
    for (const path of ['/sign-in/challenge', '/sign-in/challenge?method=backup_code', '/sign-in/recovery']) {
      const page = await browser.request('GET', path, undefined, es);
      expect(page.body, path).toContain('<html lang="es">');
      for (const sentence of ENGLISH) if (text(page.body).includes(sentence)) leaks.push(`${path}: ${sentence}`);
    }
    expect(leaks).toEqual([]);
  });
});
