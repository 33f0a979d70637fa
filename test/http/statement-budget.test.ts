/**
 * Statement budgets: how many SQL statements each hot flow runs (each one a round trip on PostgreSQL). A
 * change that adds a statement to a flow fails here; lower a budget when a flow gets cheaper, never raise it
 * without saying why in bench/RESULTS.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { statementsRun } from '../../src/db/connect.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

/** Statements per flow today (the same on SQLite and PostgreSQL). */
export const BUDGETS = {
  /** The session with its user, memberships and recent recoveries: one statement (src/sessions/service.ts). */
  sessionCheck: 1,
  sessionCheckWithTwoFactor: 1,
  passwordSignIn: 21,
  passwordStepWithSecondFactor: 14,
  totpVerifyStep: 19,
  backupCodeVerifyStep: 22,
} as const;

const PASSWORD = 'quiet-meadow-copper-81';

describe.each(DIALECTS)('statement budgets (%s)', (dialect) => {
  let t: TestApp;
  let secret: string;
  let backupCodes: string[];
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { owner, orgId } = await setUpOwner(t);
    ({ secret, backupCodes } = await enrolTotp(t, owner, OWNER.password));
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'nurse@acme.test',
      role: 'staff',
      password: PASSWORD,
    });
  });
  afterAll(async () => {
    console.log(`statements per flow (${dialect}): ${JSON.stringify(measured)}`);
    await t.close();
  });

  /** Statements run by `work`, after the mail queue and other background work has settled. */
  async function count(name: keyof typeof BUDGETS, work: () => Promise<unknown>): Promise<number> {
    await new Promise((r) => setTimeout(r, 50));
    const before = statementsRun();
    await work();
    // Mail that leaves after a commit is part of the flow's cost too.
    await new Promise((r) => setTimeout(r, 50));
    const used = statementsRun() - before;
    measured[name] = used;
    return used;
  }

  it('session check, password sign-in, and the second step stay within their budgets', async () => {
    const nurse = new Client(t.app);
    expect(
      await count('passwordSignIn', async () =>
        expect(
          (await nurse.post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD })).json().status,
        ).toBe('signed_in'),
      ),
    ).toBeLessThanOrEqual(BUDGETS.passwordSignIn);
    // A session check a minute later than the last touch (the cheap path: no touch within the minute).
    await nurse.get('/api/v1/session');
    expect(
      await count('sessionCheck', async () => expect((await nurse.get('/api/v1/session')).statusCode).toBe(200)),
    ).toBeLessThanOrEqual(BUDGETS.sessionCheck);

    const owner = new Client(t.app);
    t.clock.advanceSeconds(30);
    expect(
      await count('passwordStepWithSecondFactor', async () =>
        expect(
          (await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status,
        ).toBe('second_factor_required'),
      ),
    ).toBeLessThanOrEqual(BUDGETS.passwordStepWithSecondFactor);
    const code = codeAt(secret, t.clock.now());
    expect(
      await count('totpVerifyStep', async () =>
        expect((await owner.post('/api/v1/sign-in/verify', { method: 'totp', code })).statusCode).toBe(200),
      ),
    ).toBeLessThanOrEqual(BUDGETS.totpVerifyStep);

    // The owner has 2FA: the same one statement (the memberships come with it for the answer's org list).
    t.clock.advanceSeconds(90);
    await owner.get('/api/v1/session');
    expect(
      await count('sessionCheckWithTwoFactor', async () =>
        expect((await owner.get('/api/v1/session')).json().orgs).toHaveLength(1),
      ),
    ).toBeLessThanOrEqual(BUDGETS.sessionCheckWithTwoFactor);

    const other = new Client(t.app);
    await other.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(
      await count('backupCodeVerifyStep', async () =>
        expect(
          (await other.post('/api/v1/sign-in/verify', { method: 'backup_code', code: backupCodes[0] })).statusCode,
        ).toBe(200),
      ),
    ).toBeLessThanOrEqual(BUDGETS.backupCodeVerifyStep);
  });
});
