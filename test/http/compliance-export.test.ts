import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import type { Role } from '../../src/db/schema.ts';

const DAY = 86_400;
const PASSWORD = 'quiet-meadow-copper-81';

/** Parses the export (every cell quoted, CRLF line ends) into rows of cells. */
function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"(?:,|$)/g)].map((m) => m[1]!.replace(/""/g, '"')));
}

describe.each(DIALECTS)('compliance view and CSV export (%s)', (dialect) => {
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

  async function member(email: string, role: Role): Promise<{ client: Client; userId: string }> {
    const org = { id: orgId, name: OWNER.orgName, createdAt: '' };
    const user = await createMember(t.ctx, OPERATOR, { org, email, role, password: PASSWORD });
    return { client: new Client(t.app, `10.4.0.${email.length}`), userId: user.id };
  }

  it('lists each member with role, 2FA, methods by name, last use, exemption, extended deadline and check-up; formulas stay text', async () => {
    const { client: nurse, userId: nurseId } = await member('nurse@acme.test', 'staff');
    const { userId: glassId } = await member('glass@acme.test', 'owner');
    const { userId: lateId } = await member('late@acme.test', 'client');
    const { client: staff } = await member('staff@acme.test', 'staff');
    expect(
      (await owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'everyone', gracePeriodDays: 7 }))
        .statusCode,
    ).toBe(200);
    await nurse.post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD });
    const { secret } = await enrolTotp(t, nurse, PASSWORD);
    // A sign-in with the app: its last use shows in the export.
    const again = new Client(t.app, '10.4.1.1');
    await again.post('/api/v1/sign-in', { email: 'nurse@acme.test', password: PASSWORD });
    expect(
      (await again.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) })).statusCode,
    ).toBe(200);
    const until = new Date(t.clock.now().getTime() + 10 * DAY * 1000).toISOString();
    const reason = '=HYPERLINK("http://evil.test","click")';
    const put = (userId: string, path: string, body: unknown) =>
      owner.request('PUT', `/api/v1/orgs/${orgId}/members/${userId}/${path}`, body);
    expect((await put(glassId, 'exemption', { reason: '@break glass', breakGlass: true })).statusCode).toBe(200);
    expect((await put(nurseId, 'exemption', { reason, expiresAt: until })).statusCode).toBe(200);
    const extendedTo = new Date(t.clock.now().getTime() + 20 * DAY * 1000).toISOString();
    expect((await put(lateId, 'deadline', { deadline: extendedTo })).statusCode).toBe(200);

    // Staff must have a passkey: the nurse (authenticator app only) shows as needing one; clients are not asked.
    expect((await owner.patch(`/api/v1/orgs/${orgId}/policy`, { phishingResistant: 'staff' })).statusCode).toBe(200);
    const r = await owner.get(`/api/v1/orgs/${orgId}/compliance.csv`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toContain('attachment');
    expect(r.body).not.toContain('"=HYPERLINK');
    const [header, ...rows] = parseCsv(r.body);
    expect(header).toEqual([
      'email',
      'name',
      'role',
      'two_factor',
      'methods',
      'last_used',
      'last_sign_in',
      'deadline',
      'overdue',
      'exemption',
      'exemption_until',
      'exemption_reason',
      'deadline_extended_to',
      'checkup',
      'phishing_resistant',
    ]);
    const byEmail = new Map(rows.map((row) => [row[0]!, Object.fromEntries(header!.map((h, i) => [h, row[i]!]))]));
    expect(byEmail.size).toBe(5);
    expect(byEmail.get('nurse@acme.test')).toMatchObject({
      role: 'staff',
      two_factor: 'on',
      methods: 'Authenticator app',
      exemption: 'exempt',
      exemption_until: until,
      exemption_reason: `'${reason}`,
      checkup: 'not_yet',
      deadline: '',
      phishing_resistant: 'needs_passkey',
    });
    expect(byEmail.get('nurse@acme.test')!.last_used).toMatch(/^\d{4}-/);
    expect(byEmail.get('glass@acme.test')).toMatchObject({
      role: 'owner',
      two_factor: 'off',
      exemption: 'break-glass',
      exemption_until: '',
      exemption_reason: "'@break glass",
      deadline: '',
    });
    expect(byEmail.get('late@acme.test')).toMatchObject({
      role: 'client',
      deadline: extendedTo,
      deadline_extended_to: extendedTo,
      overdue: 'no',
      checkup: 'none',
      phishing_resistant: 'not_required',
    });
    expect(byEmail.get(OWNER.email)).toMatchObject({ role: 'owner', two_factor: 'off', exemption: '' });

    // Only owners and admins of the org.
    await staff.post('/api/v1/sign-in', { email: 'staff@acme.test', password: PASSWORD });
    expect((await staff.get(`/api/v1/orgs/${orgId}/compliance.csv`)).statusCode).toBe(403);
    // The page offers the download, lists the exemption with its end and the break-glass account up top.
    const page = await owner.get(`/orgs/${orgId}/compliance`);
    expect(page.body).toContain(`/api/v1/orgs/${orgId}/compliance.csv`);
    expect(page.body).toContain(`exempt until ${until.slice(0, 10)}`);
    expect(page.body).toContain('Break-glass account:');
    expect(page.body).toContain(`deadline extended to ${extendedTo.slice(0, 10)}`);
    expect(page.body).toContain('passkey needed');
  });

  it('shows who has not done the check-up', async () => {
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    t.clock.advanceSeconds(28 * DAY);
    const fresh = new Client(t.app);
    await fresh.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const signedIn = await fresh.post('/api/v1/sign-in/verify', {
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(signedIn.json().checkup).toEqual({ due: true });
    const rows = parseCsv((await fresh.get(`/api/v1/orgs/${orgId}/compliance.csv`)).body);
    expect(rows[1]).toEqual(expect.arrayContaining([OWNER.email, 'on', 'Authenticator app']));
    expect(rows[1]!.at(-2)).toBe('due');
    expect((await fresh.get(`/orgs/${orgId}/compliance`)).body).toContain('check-up not done');
    expect((await fresh.post('/api/v1/me/checkup', { action: 'done' })).statusCode).toBe(200);
    expect(parseCsv((await fresh.get(`/api/v1/orgs/${orgId}/compliance.csv`)).body)[1]!.at(-2)).toBe('done');
  });
});
