/**
 * Suspending an account: the person is signed out everywhere (apps included) and gets no session,
 * challenge, API-key access or app token until the suspension is lifted. Their factors, memberships and
 * data stay as they are. Who may suspend is decided by the caller: an operator (CLI) or an org admin with
 * authority over the person in every org they belong to (src/orgs/suspension.ts).
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { mailTemplates } from '../mail/templates.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { setSuspended } from './store.ts';

export interface SuspensionActor {
  readonly actorUserId: string | null;
  readonly orgId: string | null;
  readonly reason: string;
}

/** Suspends the account; false when it already was. */
export async function suspendAccount(
  ctx: Ctx,
  target: { id: string; email: string },
  by: SuspensionActor,
  meta: RequestMeta | null,
): Promise<boolean> {
  if (!(await setSuspended(ctx, target.id, true))) return false;
  await revokeAllSessions(ctx, target.id, null);
  await audit(ctx, meta, {
    event: 'account.suspended',
    actorUserId: by.actorUserId,
    targetUserId: target.id,
    orgId: by.orgId,
    details: { reason: by.reason },
  });
  await ctx.mail.send(
    mailTemplates.accountSuspended(target.email, {
      productName: ctx.config.productName,
      byOperator: by.actorUserId === null,
    }),
    ctx.clock(),
  );
  return true;
}

/** Lifts a suspension; false when the account was not suspended. */
export async function reactivateAccount(
  ctx: Ctx,
  target: { id: string; email: string },
  by: SuspensionActor,
  meta: RequestMeta | null,
): Promise<boolean> {
  if (!(await setSuspended(ctx, target.id, false))) return false;
  await audit(ctx, meta, {
    event: 'account.reactivated',
    actorUserId: by.actorUserId,
    targetUserId: target.id,
    orgId: by.orgId,
    details: { reason: by.reason },
  });
  await ctx.mail.send(
    mailTemplates.accountReactivated(target.email, { productName: ctx.config.productName }),
    ctx.clock(),
  );
  return true;
}
