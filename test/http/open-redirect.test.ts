/**
 * Return addresses (`next`) through every page that takes one: sign-in with and without a second step, the
 * re-authentication page, and the continue cookie. A hostile address ends at the safe default; a path on
 * PUBLIC_URL is kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { GOOD_NEXT, HOSTILE_NEXT } from '../helpers/return-to.ts';

const location = (response: LightMyRequestResponse): string => String(response.headers.location ?? '');
const hiddenNext = (body: string): string | null =>
  /name="next" value="([^"]*)"/.exec(body)?.[1]?.replace(/&amp;/g, '&') ?? null;

/** The brief's examples exactly as they arrive in a query string. */
const HOSTILE_QUERIES = [
  '/%09/evil.example',
  '//evil.example',
  '/%5Cevil',
  '%2F%5Cevil.example',
  'https://evil.example',
  '/%0d%0aLocation:%20https://evil.example',
];

describe.each(DIALECTS)('return addresses (%s)', (dialect) => {
  let t: TestApp;
  let ip = 0;
  const freshClient = (): Client => new Client(t.app, `203.0.113.${(ip += 1) % 250}`);
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('sign-in without a second step: a hostile next goes to /profile, a path on PUBLIC_URL is kept', async () => {
    await setUpOwner(t);
    for (const query of HOSTILE_QUERIES) {
      const browser = freshClient();
      const page = await browser.get(`/sign-in?next=${query}`);
      expect(page.statusCode, query).toBe(200);
      expect(hiddenNext(page.body), query).toBeNull();
    }
    for (const [name, value] of HOSTILE_NEXT) {
      const browser = freshClient();
      expect(hiddenNext((await browser.get(`/sign-in?next=${encodeURIComponent(value)}`)).body), name).toBeNull();
      const response = await browser.submitForm('/sign-in', '/sign-in', {
        email: OWNER.email,
        password: OWNER.password,
        next: value,
      });
      expect(response.statusCode, name).toBe(303);
      expect(location(response), name).toBe('/profile');
    }
    for (const [value, kept] of GOOD_NEXT) {
      const browser = freshClient();
      expect(hiddenNext((await browser.get(`/sign-in?next=${encodeURIComponent(value)}`)).body)).toBe(kept);
      const response = await browser.submitForm('/sign-in', '/sign-in', {
        email: OWNER.email,
        password: OWNER.password,
        next: value,
      });
      expect(location(response)).toBe(kept);
    }
  });

  it('sign-in with a second step: neither the form nor a planted cookie can send the browser away after the code', async () => {
    const { owner } = await setUpOwner(t);
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    const signIn = async (next: string, plant: string | null): Promise<LightMyRequestResponse> => {
      const browser = freshClient();
      const first = await browser.submitForm('/sign-in', '/sign-in', {
        email: OWNER.email,
        password: OWNER.password,
        next,
      });
      expect(location(first)).toBe('/sign-in/challenge');
      if (plant !== null) browser.setCookie('tf_next', encodeURIComponent(plant));
      t.clock.advanceSeconds(30);
      return browser.submitForm('/sign-in/challenge', '/sign-in/challenge', {
        method: 'totp',
        code: codeAt(secret, t.clock.now()),
      });
    };
    for (const [name, value] of HOSTILE_NEXT) {
      expect(location(await signIn(value, null)), name).toBe('/profile');
      expect(location(await signIn('/profile/activity', value)), `${name} (cookie)`).toBe('/profile');
    }
    // (The test client keeps cookies decoded, so a kept %-escape would be decoded once more on its way back.)
    for (const [value, kept] of GOOD_NEXT.filter(([value]) => !value.includes('%')))
      expect(location(await signIn(value, null))).toBe(kept);
  });

  it('re-authentication: a hostile next returns to /profile/security, a path on PUBLIC_URL is kept', async () => {
    const { owner } = await setUpOwner(t);
    for (const query of HOSTILE_QUERIES) {
      expect(hiddenNext((await owner.get(`/profile/security/confirm?next=${query}`)).body), query).toBe(
        '/profile/security',
      );
    }
    for (const [name, value] of HOSTILE_NEXT) {
      expect(
        hiddenNext((await owner.get(`/profile/security/confirm?next=${encodeURIComponent(value)}`)).body),
        name,
      ).toBe('/profile/security');
      const response = await owner.submitForm('/profile/security/confirm', '/profile/security/reauthenticate', {
        password: OWNER.password,
        next: value,
      });
      expect(response.statusCode, name).toBe(303);
      expect(location(response), name).toBe('/profile/security?done=reauthenticated');
    }
    for (const [value, kept] of GOOD_NEXT) {
      expect(hiddenNext((await owner.get(`/profile/security/confirm?next=${encodeURIComponent(value)}`)).body)).toBe(
        kept,
      );
      const response = await owner.submitForm('/profile/security/confirm', '/profile/security/reauthenticate', {
        password: OWNER.password,
        next: value,
      });
      expect(location(response)).toBe(kept);
    }
  });

  it('the continue cookie offers only a sign-in request on this server', async () => {
    const { owner } = await setUpOwner(t);
    await enrolTotp(t, owner, OWNER.password);
    owner.setCookie('tf_continue', encodeURIComponent('/authorize/abc'));
    expect((await owner.get('/profile/security')).body).toContain('href="/authorize/abc"');
    for (const value of [
      '//evil.example/authorize/abc',
      'https://evil.example/authorize/abc',
      '/\t/evil.example',
      '/.//evil.example/authorize/abc',
    ]) {
      owner.setCookie('tf_continue', encodeURIComponent(value));
      const page = await owner.get('/profile/security');
      expect(page.statusCode).toBe(200);
      expect(page.body, value).not.toContain('Continue signing in to the app');
      expect(page.body, value).not.toContain('evil.example');
    }
  });
});
