/**
 * First run: creates the first org and its owner, once — from the setup page, POST /api/v1/setup, or
 * `twofold init`. The 'setup_done' flag's primary key makes a second (or concurrent) setup fail on every
 * instance. The owner's address is verified by a link sent now — or taken as verified when the operator
 * says so (`twofold init --email-verified`, for a machine whose mail is not set up yet).
 */
import { RATE_LIMITS } from '../config/defaults.ts';
import { randomId } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { acceptablePasswordFor, insertUser, parseEmail, type User } from '../accounts/service.ts';
import type { VerificationEmail } from '../accounts/verification.ts';
import { isSetUp, parseOrgName, type Org } from '../orgs/service.ts';
import { addMember, clearSetupDone, insertOrg, markSetupDone } from '../orgs/store.ts';
import { createSession } from '../sessions/service.ts';
import { finishSignIn } from './sign-in.ts';
import { markEmailVerified, sendEmailVerification } from './email-verification.ts';
import { limitByIp } from './limits.ts';
import type { Operator } from './operator.ts';

export interface SetupInput {
  readonly orgName: string;
  readonly email: string;
  readonly password: string;
  readonly name?: string;
}

async function createFirstOrg(
  ctx: Ctx,
  input: SetupInput,
  meta: RequestMeta | null,
): Promise<{ user: User; org: Org }> {
  const orgName = parseOrgName(input.orgName);
  const email = parseEmail(input.email);
  const normalised = acceptablePasswordFor(input.password, email, [orgName]);
  if ((await isSetUp(ctx)) || !(await markSetupDone(ctx))) throw new AppError('already_set_up');
  let user: User;
  try {
    user = await insertUser(ctx, email, normalised, input.name?.trim() ?? '');
  } catch (error) {
    // Setup stays open when its owner could not be created.
    await clearSetupDone(ctx);
    throw error;
  }
  const org: Org = { id: randomId(), name: orgName, createdAt: ctx.clock().toISOString() };
  await insertOrg(ctx, org);
  await addMember(ctx, org.id, user.id, 'owner');
  await audit(ctx, meta, { event: 'setup.completed', actorUserId: user.id, targetUserId: user.id, orgId: org.id });
  return { user, org };
}

/** `twofold init`: the operator creates the first org and owner, and may vouch for the owner's address. */
export async function setUp(
  ctx: Ctx,
  _by: Operator,
  input: SetupInput & { readonly emailVerified?: boolean },
): Promise<{ user: User; org: Org; verificationEmail: VerificationEmail | null }> {
  const { user, org } = await createFirstOrg(ctx, input, null);
  if (input.emailVerified) {
    await markEmailVerified(ctx, user.id, 'operator', null);
    return { user, org, verificationEmail: null };
  }
  return { user, org, verificationEmail: await sendEmailVerification(ctx, user, null) };
}

/**
 * The setup page and POST /api/v1/setup (anyone may, once; throttled per address): the owner is emailed a
 * verification link and signed in straight away — the session's token is returned for the cookie.
 */
export async function setUpAndSignIn(
  ctx: Ctx,
  input: SetupInput,
  meta: RequestMeta,
  deviceId: string | null,
): Promise<{ user: User; org: Org; token: string }> {
  await limitByIp(ctx, meta, 'setup', RATE_LIMITS.setup);
  const { user, org } = await createFirstOrg(ctx, input, meta);
  await sendEmailVerification(ctx, user, meta);
  const { token } = await createSession(ctx, { userId: user.id, amr: ['pwd'], remember: false }, meta);
  await finishSignIn(ctx, user, ['pwd'], meta, deviceId);
  return { user, org, token };
}
