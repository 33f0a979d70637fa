/** In-process events: after-commit subscribers run only for committed work; others run inside the transaction. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { audit, inTransaction, type Ctx } from '../../src/context.ts';
import { createEventBus } from '../../src/events/bus.ts';

describe.each(DIALECTS)('events (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('an audit row announced inside a rolled-back transaction is never counted; a committed one is, after commit', async () => {
    const events = createEventBus<Ctx>();
    const counted: string[] = [];
    const seenInside: boolean[] = [];
    events.subscribe('audit.recorded', (_ctx, entry) => void counted.push(entry.event), { afterCommit: true });
    events.subscribe('audit.recorded', (ctx) => void seenInside.push(ctx.db.kysely.isTransaction));
    const ctx: Ctx = { ...t.ctx, events };

    await expect(
      inTransaction(ctx, async (tx) => {
        await audit(tx, null, { event: 'policy.changed' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(counted).toEqual([]);
    expect(await t.ctx.db.kysely.selectFrom('audit_events').select('id').execute()).toHaveLength(0);

    await inTransaction(ctx, async (tx) => {
      await audit(tx, null, { event: 'members.notified' });
      expect(counted).toEqual([]); // not before the commit
    });
    expect(counted).toEqual(['members.notified']);
    await audit(ctx, null, { event: 'sign_out' });
    expect(counted).toEqual(['members.notified', 'sign_out']);
    expect(seenInside).toEqual([true, true, false]);
  });
});
