/**
 * Interop with an independent TOTP implementation: codes from `oathtool --totp` (Debian's oath-toolkit)
 * for the secret twofold shows are accepted, at enrolment and at sign-in.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';

function oathtool(secretBase32: string, at: Date): string {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${Math.floor(at.getTime() / 1000)}`, secretBase32], {
    encoding: 'utf8',
  }).trim();
}

describe('authenticator-app interop (oathtool)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
  });
  afterEach(async () => {
    await t.close();
  });

  it('accepts codes computed by oathtool from the secret shown for manual entry', async () => {
    const { owner } = await setUpOwner(t);
    const start = (await owner.post('/api/v1/me/factors/totp')).json() as {
      enrollmentId: string;
      secretGroups: string;
      otpauthUri: string;
    };
    // The grouped key is what a person types: oathtool gets it without the spaces.
    const typed = start.secretGroups.replace(/ /g, '');
    expect(start.otpauthUri).toContain(`secret=${typed}`);
    const confirm = await owner.post('/api/v1/me/factors/totp/confirm', {
      enrollmentId: start.enrollmentId,
      code: oathtool(typed, t.clock.now()),
    });
    expect(confirm.statusCode).toBe(200);
    t.clock.advanceSeconds(30);
    const client = new Client(t.app);
    expect((await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status).toBe(
      'second_factor_required',
    );
    const verify = await client.post('/api/v1/sign-in/verify', {
      method: 'totp',
      code: oathtool(typed, t.clock.now()),
    });
    expect(verify.statusCode).toBe(200);
  });
});
