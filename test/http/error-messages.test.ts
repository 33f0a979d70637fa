/**
 * The JSON API speaks English whatever the reader's language: an error answer's `message` (and a password
 * refusal's `details.reason`) is the English catalogue text even when the request asks for Spanish; only
 * pages translate errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

describe.each(DIALECTS)('JSON error answers stay in English (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('a specific text, a validation text and a code text, asked for in Spanish', async () => {
    const client = new Client(t.app);
    const spanish = { 'accept-language': 'es' };

    const weak = await client.request('POST', '/api/v1/setup', { ...OWNER, password: 'short' }, spanish);
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toEqual({
      error: {
        code: 'password_rejected',
        message: 'Use at least 12 characters.',
        field: 'password',
        reason: 'Use at least 12 characters.',
      },
    });

    const missing = await client.request('POST', '/api/v1/setup', { email: OWNER.email }, spanish);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('invalid_request');
    expect(missing.json().error.message).toMatch(/^"\w+" is required\.$/);

    const unknown = await client.request('GET', '/api/v1/me', undefined, spanish);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({ error: { code: 'unauthenticated', message: 'You need to sign in.' } });
  });
});
