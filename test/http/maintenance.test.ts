/** Housekeeping deletes what can never be used again and nothing that still can. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { pruneExpired } from '../../src/maintenance.ts';

describe.each(DIALECTS)('pruning expired rows (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('removes expired challenges, sessions and rate-limit windows a day after expiry, and keeps live ones', async () => {
    const { owner } = await setUpOwner(t);
    await enrolTotp(t, owner, OWNER.password);
    const pending = new Client(t.app, '10.30.0.1');
    await pending.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const count = async (table: 'challenges' | 'sessions' | 'rate_limits'): Promise<number> =>
      Number(
        (
          await t.ctx.db.kysely
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('challenges')).toBe(1);
    expect(await pruneExpired(t.ctx)).toBe(0);
    t.clock.advanceSeconds(2 * 86400);
    const fresh = new Client(t.app, '10.30.0.2');
    await fresh.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(await pruneExpired(t.ctx)).toBeGreaterThan(0);
    expect(await count('challenges')).toBe(1); // the fresh one
    expect(await count('sessions')).toBe(0); // the owner's session idled out two days ago
    // Only the fresh sign-in's current windows are left (its request cap and failure budget), none from two days ago.
    const windows = await t.ctx.db.kysely.selectFrom('rate_limits').select(['key', 'window_start']).execute();
    expect(windows.length).toBeGreaterThan(0);
    expect(windows.every((w) => w.key.includes('10.30.0.2'))).toBe(true);
    expect((await fresh.get('/api/v1/session')).statusCode).toBe(401);
  });
});
