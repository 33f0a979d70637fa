/**
 * The command line: `twofold serve | migrate | init | user add | outbox`.
 * Passwords are read from standard input (--password-stdin), never from arguments.
 */
import { parseArgs } from 'node:util';
import { configOrExit, openRuntime, serve } from './server.ts';
import { openDatabase, migrate } from './db/connect.ts';
import { AppError } from './errors.ts';
import { ROLES, type Role } from './db/schema.ts';
import type { Ctx } from './context.ts';
import { findOrgByName } from './orgs/service.ts';
import { listOutbox } from './mail/queue.ts';
import { findUserByEmail } from './accounts/service.ts';
import type { VerificationEmail } from './accounts/verification.ts';
import { resetTwoFactor } from './flows/two-factor.ts';
import { OPERATOR } from './flows/operator.ts';
import { setUp } from './flows/setup.ts';
import { createMember } from './flows/members.ts';
import { setAccountSuspended } from './flows/suspension.ts';
import { runImport } from './import/cli-import.ts';
import { listSigningKeys, rotateSigningKey } from './oidc/keys.ts';

const USAGE = `usage: twofold <command>

  serve                                   start the server (default command)
  migrate                                 run database migrations
  init --org NAME --email E --password-stdin [--email-verified]
                                          create the first organization and its owner; the
                                          owner is emailed a link to verify the address, unless
                                          --email-verified (mail not set up yet: you vouch for it)
  user add --org NAME --email E --role ROLE --password-stdin
                                          add a member (role: owner, admin, staff, client); a new
                                          account is emailed a link to verify its address
  user suspend | reactivate --email E     suspend an account (signed out everywhere; no sign-in, API
                                          keys or app tokens) or lift the suspension
  reset-2fa --email E                     remove a user's second factors, backup codes, trusted
                                          browsers and sessions (they enrol again at next sign-in)
  outbox [--limit N]                      print recent emails and SMS kept in the dev outbox
  oidc-keys list | rotate                 OpenID Connect signing keys: list them, or add a new
                                          signing key (the previous one stays published; running
                                          servers switch within a minute)
  import FILE.jsonl|FILE.csv [--restart]  import members (email, org, role, name, password_hash,
                                          totp_secret); resumes an interrupted import of the same
                                          file; rejected rows go to FILE.rejected.jsonl; new
                                          accounts are emailed a link to verify their address
`;

/** What happened to the address's verification link, for the operator. */
function verificationNote(email: string, sent: VerificationEmail | null): string {
  if (sent === 'sent') return `sent ${email} a link to verify the email address\n`;
  if (sent === 'queued')
    return `a link to verify the email address is queued for ${email}: the mail server did not take it yet; a running server retries\n`;
  return '';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function fail(message: string): never {
  process.stderr.write(`twofold: ${message}\n`);
  process.exit(1);
}

async function withCtx<T>(run: (ctx: Ctx) => Promise<T>): Promise<T> {
  const config = configOrExit(process.env);
  const runtime = await openRuntime(config);
  try {
    return await run({ ...runtime.deps, config });
  } catch (error) {
    if (error instanceof AppError) fail(`${error.code}: ${error.message}`);
    throw error;
  } finally {
    await runtime.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  const sub = command === 'user' || command === 'oidc-keys' ? rest.shift() : undefined;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      org: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      limit: { type: 'string' },
      help: { type: 'boolean' },
      restart: { type: 'boolean' },
      'email-verified': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  switch (command) {
    case 'serve':
      return serve(configOrExit(process.env));
    case 'migrate': {
      const config = configOrExit(process.env);
      const db = openDatabase(config.databaseUrl);
      const applied = await migrate(db);
      await db.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return;
    }
    case 'init': {
      if (!values.org || !values.email || !values['password-stdin'])
        fail('init needs --org, --email and --password-stdin');
      const password = await readStdin();
      const emailVerified = values['email-verified'] === true;
      const { org, user, verificationEmail } = await withCtx((ctx) =>
        setUp(ctx, OPERATOR, { orgName: values.org!, email: values.email!, password, emailVerified }),
      );
      const note = emailVerified
        ? `marked ${user.email} as a verified email address (--email-verified)\n`
        : verificationNote(user.email, verificationEmail);
      process.stdout.write(`created organization "${org.name}" with owner ${user.email}\n${note}`);
      return;
    }
    case 'user': {
      if (sub === 'suspend' || sub === 'reactivate') {
        if (!values.email) fail(`user ${sub} needs --email`);
        const changed = await withCtx(async (ctx) => {
          const user = await findUserByEmail(ctx, values.email!);
          if (!user) fail(`no account with email ${values.email}`);
          return setAccountSuspended(ctx, OPERATOR, { account: user, suspended: sub === 'suspend' });
        });
        const done = sub === 'suspend' ? 'suspended; their sessions were ended' : 'reactivated';
        process.stdout.write(
          changed
            ? `${values.email} ${done}\n`
            : `${values.email} was already ${sub === 'suspend' ? 'suspended' : 'active'}\n`,
        );
        return;
      }
      if (sub !== 'add') fail('usage: twofold user add --org NAME --email E --role ROLE --password-stdin');
      if (!values.org || !values.email || !values.role || !values['password-stdin'])
        fail('user add needs --org, --email, --role and --password-stdin');
      if (!ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
      const password = await readStdin();
      const user = await withCtx(async (ctx) => {
        const org = await findOrgByName(ctx, values.org!);
        if (!org) fail(`no organization named "${values.org}"`);
        return createMember(ctx, OPERATOR, { org, email: values.email!, role: values.role as Role, password });
      });
      process.stdout.write(
        `added ${user.email} to "${values.org}" as ${values.role}\n${verificationNote(user.email, user.verificationEmail)}`,
      );
      return;
    }
    case 'reset-2fa': {
      if (!values.email) fail('reset-2fa needs --email');
      const email = await withCtx(async (ctx) => {
        const user = await findUserByEmail(ctx, values.email!);
        if (!user) fail(`no account with email ${values.email}`);
        await resetTwoFactor(
          ctx,
          user,
          { actorUserId: null, orgId: null, reason: 'reset from the command line' },
          null,
        );
        return user.email;
      });
      process.stdout.write(`reset two-factor authentication of ${email}; their sessions were ended\n`);
      return;
    }
    case 'import': {
      const file = positionals[0];
      if (!file) fail('usage: twofold import FILE.jsonl|FILE.csv [--restart]');
      const report = await withCtx((ctx) => runImport(ctx, file, { restart: values.restart === true }));
      process.stdout.write(
        `read ${report.read} rows: ${report.imported} new accounts, ${report.existing} already there, ${report.rejected} rejected${report.resumedAfterLine ? ` (resumed after line ${report.resumedAfterLine})` : ''}\n${report.imported ? `${report.imported} email${report.imported === 1 ? '' : 's'} with a link to verify the address queued; a running server sends them\n` : ''}`,
      );
      return;
    }
    case 'outbox': {
      const limit = values.limit ? Number(values.limit) : 20;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) fail('--limit must be a whole number from 1 to 500');
      const entries = await withCtx((ctx) => listOutbox(ctx.db, limit));
      if (entries.length === 0) process.stdout.write('the outbox is empty\n');
      for (const e of entries) {
        process.stdout.write(
          `── ${e.createdAt}  ${e.channel} to ${e.recipient}  [${e.status}]\n${e.subject ? `Subject: ${e.subject}\n` : ''}${e.text}\n`,
        );
      }
      return;
    }
    case 'oidc-keys': {
      if (sub === 'rotate') {
        const { kid, retired } = await withCtx((ctx) => rotateSigningKey(ctx));
        process.stdout.write(`new signing key ${kid}${retired.length ? `; retired ${retired.join(', ')}` : ''}\n`);
        return;
      }
      if (sub !== 'list') fail('usage: twofold oidc-keys list | rotate');
      const keys = await withCtx((ctx) => listSigningKeys(ctx));
      if (keys.length === 0) process.stdout.write('no signing keys yet (the server creates the first one)\n');
      for (const k of keys)
        process.stdout.write(
          `${k.kid}  ${k.alg}  created ${k.createdAt}  ${k.retiredAt ? `retired ${k.retiredAt}` : k.signing ? 'signing' : 'published'}\n`,
        );
      return;
    }
    default:
      process.stderr.write(USAGE);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  fail(message.split('\n')[0] ?? 'failed');
});
