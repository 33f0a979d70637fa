/**
 * Suspending an account: the person is signed out everywhere (apps included) and gets no session,
 * challenge, API-key access or app token until the suspension is lifted. Their factors, memberships and
 * data stay as they are. Suspension is account-wide (every org the person belongs to loses them), so an org
 * admin needs, besides the usual role rule and a fresh re-authentication, authority over the person in
 * every one of their orgs; the operator (`twofold user suspend`) needs none.
 */
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { mailTemplates, type Recipient } from '../mail/templates.ts';
import { setSuspended } from '../accounts/store.ts';
import { findMember, mayManage, requireAccountWideAuthority, requireManager } from '../orgs/service.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';
import type { Operator } from './operator.ts';

/** The account concerned, and where (and in which language) its notice goes. */
interface Account extends Recipient {
  readonly id: string;
}

interface SuspensionActor {
  readonly actorUserId: string | null;
  readonly orgId: string | null;
  readonly reason: string;
}

/** An owner or admin suspends (or reactivates) a member's account; `changed` is false when it already was. */
export async function setMemberSuspended(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string; readonly suspended: boolean; readonly reason: string },
): Promise<{ changed: boolean }> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  const { orgId, userId, suspended } = input;
  const { role: actorRole } = await requireManager(ctx, orgId, session.userId);
  if (session.userId === userId) throw new AppError('forbidden', { key: 'errors:messages.members.selfSuspend' });
  const target = await findMember(ctx, orgId, userId);
  if (!mayManage(actorRole, target.role))
    throw new AppError('forbidden', { key: 'errors:messages.members.adminsSuspendOwners' });
  await requireAccountWideAuthority(ctx, session.userId, userId, suspended ? 'suspend' : 'reactivate');
  const actor = { actorUserId: session.userId, orgId, reason: input.reason.trim() || 'no reason given' };
  const account = { id: target.userId, email: target.email, locale: target.locale, timeZone: target.timeZone };
  return { changed: await apply(ctx, account, suspended, actor, meta) };
}

/** The operator suspends (or reactivates) an account; false when it already was. */
export async function setAccountSuspended(
  ctx: Ctx,
  _by: Operator,
  input: { readonly account: Account; readonly suspended: boolean },
): Promise<boolean> {
  const reason = `${input.suspended ? 'suspended' : 'reactivated'} from the command line`;
  return apply(ctx, input.account, input.suspended, { actorUserId: null, orgId: null, reason }, null);
}

async function apply(
  ctx: Ctx,
  target: Account,
  suspended: boolean,
  by: SuspensionActor,
  meta: RequestMeta | null,
): Promise<boolean> {
  if (!(await setSuspended(ctx, target.id, suspended))) return false;
  if (suspended) await revokeAllSessions(ctx, target.id, null);
  await audit(ctx, meta, {
    event: suspended ? 'account.suspended' : 'account.reactivated',
    actorUserId: by.actorUserId,
    targetUserId: target.id,
    orgId: by.orgId,
    details: { reason: by.reason },
  });
  const mail = suspended
    ? mailTemplates.accountSuspended(target, {
        productName: ctx.config.productName,
        byOperator: by.actorUserId === null,
      })
    : mailTemplates.accountReactivated(target, { productName: ctx.config.productName });
  await ctx.mail.send(mail, ctx.clock());
  return true;
}
