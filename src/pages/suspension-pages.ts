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

export async function suspensionPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function target(request: FastifyRequest) {
    const session = requireSession(request);
    const { orgId, userId } = request.params as { orgId: string; userId: string };
    const { org } = await requireManager(ctx, orgId, session.userId);
    const member = await findMember(ctx, org.id, userId);
    return { session, org, member };
  }

  async function show(request: FastifyRequest, reply: FastifyReply, status: number, error: string | null, reason = '') {
    const { org, member } = await target(request);
    const suspend = !member.suspended;
    const frame = await pageFrame(ctx, request, reply);
    const action = `/orgs/${org.id}/members/${member.userId}/suspension`;
    return frame.send(
      status,
      suspend ? 'Suspend account' : 'Reactivate account',
      html`<section class="card narrow" aria-labelledby="suspend-title">
  <h1 id="suspend-title">${suspend ? 'Suspend' : 'Reactivate'} the account of ${member.email}?</h1>
  ${notice('error', error)}
  <p>${
    suspend
      ? 'They are signed out everywhere, and signing in, their API keys and the apps that sign them in stop working until the account is reactivated. Their sign-in methods and memberships are kept. They get an email about it.'
      : 'They can sign in again as before. They get an email about it.'
  }</p>
  <form method="post" action="${action}">
    ${csrfInput(frame.csrf)}
    <label for="reason">Reason <span class="muted">(kept in the audit log)</span></label>
    <input id="reason" name="reason" type="text" maxlength="500" value="${reason}">
    <div class="row-actions">
      <button type="submit" class="${suspend ? 'danger' : ''}">${suspend ? 'Suspend account' : 'Reactivate account'}</button>
      <a class="button secondary" href="/orgs/${org.id}/members">Cancel</a>
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
      if (error instanceof AppError && error.status < 500)
        return show(request, reply, error.status, error.message, reason);
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/members?done=${suspended ? 'suspended' : 'reactivated'}`, 303);
  });
}
