/**
 * Suspending or reactivating a member's account from the member list: a confirmation page with a reason,
 * "Confirm it's you" when the sudo window is shut, then the same flow as the JSON API
 * (src/flows/suspension.ts), which refuses when the person belongs to an org the actor does not manage.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { meta, requireSession } from '../http/request.ts';
import { setMemberSuspended } from '../flows/suspension.ts';
import { findMember, requireManager } from '../orgs/service.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { csrfInput } from './ui.ts';
import type { LocalizableError } from '../i18n/index.ts';

export async function suspensionPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function target(request: FastifyRequest) {
    const session = requireSession(request);
    const { orgId, userId } = request.params as { orgId: string; userId: string };
    const { org } = await requireManager(ctx, orgId, session.userId);
    const member = await findMember(ctx, org.id, userId);
    return { session, org, member };
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
    reason = '',
  ) {
    const { org, member } = await target(request);
    const suspend = !member.suspended;
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const action = `/orgs/${org.id}/members/${member.userId}/suspension`;
    return frame.send(
      status,
      suspend ? t('account:suspension.suspendTitle') : t('account:suspension.reactivateTitle'),
      html`<section class="card narrow" aria-labelledby="suspend-title">
  <h1 id="suspend-title">${t(suspend ? 'account:suspension.suspendHeading' : 'account:suspension.reactivateHeading', { email: member.email })}</h1>
  ${notice('error', error ? t.error(error) : null)}
  <p>${suspend ? t('account:suspension.suspendIntro') : t('account:suspension.reactivateIntro')}</p>
  <form method="post" action="${action}">
    ${csrfInput(frame.csrf)}
    <label for="reason">${t.html('account:suspension.reason')}</label>
    <input id="reason" name="reason" type="text" maxlength="500" value="${reason}">
    <div class="row-actions">
      <button type="submit" class="${suspend ? 'danger' : ''}">${suspend ? t('account:suspension.suspend') : t('account:suspension.reactivate')}</button>
      <a class="button secondary" href="/orgs/${org.id}/members">${t('account:suspension.cancel')}</a>
    </div>
  </form>
</section>`,
    );
  }

  app.get('/orgs/:orgId/members/:userId/suspension', async (request, reply) => show(request, reply, 200, null));

  app.post('/orgs/:orgId/members/:userId/suspension', async (request, reply) => {
    const { session, org, member } = await target(request);
    const raw = (request.body as Record<string, unknown> | undefined)?.reason;
    const reason = typeof raw === 'string' ? raw.slice(0, 500) : '';
    const suspended = !member.suspended;
    try {
      await setMemberSuspended(
        ctx,
        { session, meta: meta(request) },
        { orgId: org.id, userId: member.userId, suspended, reason },
      );
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this action.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (error instanceof AppError && error.status < 500) return show(request, reply, error.status, error, reason);
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/members?done=${suspended ? 'suspended' : 'reactivated'}`, 303);
  });
}
