/**
 * Exceptions to the org's 2FA requirement in the browser, reached from the compliance view: "Exempt…" (with
 * the break-glass designation for owners) and "Extend deadline…". Each posts to the same flows as the JSON API
 * (src/flows/exemptions.ts); "Confirm it's you" resumes the action when the sudo window is shut.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EXEMPTION, ORG_POLICY } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { meta, requireSession } from '../http/request.ts';
import { endExemption, extendDeadline, grantExemption, type ExemptionInput } from '../flows/exemptions.ts';
import { findMember, requireManager } from '../orgs/service.ts';
import { exceptionsOf } from '../orgs/exemptions.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { csrfInput, moment, textField } from './ui.ts';
import type { LocalizableError } from '../i18n/index.ts';

const DAY_MS = 86_400_000;
/** A date field (YYYY-MM-DD) read as the start of that day, UTC. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateField(body: unknown, name: string): string {
  const value = textField(body, name, 10);
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new AppError('invalid_request', { key: 'org:errors.pickDate', details: { field: name } });
  return `${value}T00:00:00.000Z`;
}

const isoDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

export async function exemptionPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function target(request: FastifyRequest) {
    const session = requireSession(request);
    const { orgId, userId } = request.params as { orgId: string; userId: string };
    const { org, role } = await requireManager(ctx, orgId, session.userId);
    const member = await findMember(ctx, org.id, userId);
    return { session, org, role, member };
  }

  async function showExemption(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
  ) {
    const { org, role, member } = await target(request);
    const current = (await exceptionsOf(ctx, org.id, member.userId))?.exemption ?? null;
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const now = ctx.clock().getTime();
    const action = `/orgs/${org.id}/members/${member.userId}/exemption`;
    const email = member.email;
    const state = !current
      ? html`<p>${t('org:exemption.none', { email })}</p>`
      : current.breakGlass
        ? html`<p class="notice notice-info">${t.html('org:exemption.breakGlass', { email, reason: current.reason })}</p>`
        : current.active
          ? html`<p>${t.html('org:exemption.active', { email, when: moment(t, current.expiresAt), reason: current.reason })}</p>`
          : html`<p>${t.html('org:exemption.ended', { email, when: moment(t, current.expiresAt) })}</p>`;
    return frame.send(
      status,
      t('org:exemption.title'),
      html`<section class="card narrow" aria-labelledby="exempt-title">
  <h1 id="exempt-title">${t('org:exemption.heading', { email })}</h1>
  ${notice('error', error ? t.error(error) : null)}
  ${state}
  <form method="post" action="${action}">
    ${csrfInput(frame.csrf)}
    <label for="reason">${t.html('org:exemption.reason')}</label>
    <input id="reason" name="reason" type="text" maxlength="${EXEMPTION.reasonMaxLength}" required>
    <label for="expires">${t('org:exemption.until', { max: EXEMPTION.maxDays })}</label>
    <input id="expires" name="expiresOn" type="date" value="${isoDay(now + 30 * DAY_MS)}" min="${isoDay(now + DAY_MS)}" max="${isoDay(now + EXEMPTION.maxDays * DAY_MS)}">
    ${
      role === 'owner'
        ? html`<label class="checkbox"><input type="checkbox" name="breakGlass" value="1"> ${t('org:exemption.makeBreakGlass')}</label>`
        : ''
    }
    <p class="hint">${t('org:exemption.hint', { email })}</p>
    <div class="row-actions">
      <button type="submit">${t('org:exemption.button')}</button>
      <a class="button secondary" href="/orgs/${org.id}/compliance">${t('common:actions.cancel')}</a>
    </div>
  </form>
  ${
    current?.active
      ? html`<form method="post" action="${action}/end">
    ${csrfInput(frame.csrf)}
    <button type="submit" class="danger">${t('org:exemption.end')}</button>
  </form>`
      : ''
  }
</section>`,
    );
  }

  app.get('/orgs/:orgId/members/:userId/exemption', async (request, reply) => showExemption(request, reply, 200, null));

  app.post('/orgs/:orgId/members/:userId/exemption', async (request, reply) => {
    const { session, org, member } = await target(request);
    try {
      const reason = textField(request.body, 'reason', EXEMPTION.reasonMaxLength);
      const exemption: ExemptionInput =
        textField(request.body, 'breakGlass') === '1'
          ? { reason, breakGlass: true }
          : { reason, expiresAt: dateField(request.body, 'expiresOn') };
      await grantExemption(ctx, { session, meta: meta(request) }, { orgId: org.id, userId: member.userId, exemption });
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this action.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (error instanceof AppError && error.status < 500) return showExemption(request, reply, error.status, error);
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/compliance?done=exempted`, 303);
  });

  app.post('/orgs/:orgId/members/:userId/exemption/end', async (request, reply) => {
    const { session, org, member } = await target(request);
    try {
      await endExemption(ctx, { session, meta: meta(request) }, { orgId: org.id, userId: member.userId });
    } catch (error) {
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (error instanceof AppError && error.status < 500) return showExemption(request, reply, error.status, error);
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/compliance?done=exemption_ended`, 303);
  });

  async function showDeadline(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
  ) {
    const { org, member } = await target(request);
    const extended = (await exceptionsOf(ctx, org.id, member.userId))?.extendedDeadline ?? null;
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const now = ctx.clock().getTime();
    return frame.send(
      status,
      t('org:deadline.title'),
      html`<section class="card narrow" aria-labelledby="deadline-title">
  <h1 id="deadline-title">${t('org:deadline.heading', { email: member.email })}</h1>
  ${notice('error', error ? t.error(error) : null)}
  ${extended ? html`<p>${t.html('org:deadline.extended', { when: moment(t, extended) })}</p>` : ''}
  <form method="post" action="/orgs/${org.id}/members/${member.userId}/deadline">
    ${csrfInput(frame.csrf)}
    <label for="deadline">${t('org:deadline.label', { max: ORG_POLICY.gracePeriodMaxDays })}</label>
    <input id="deadline" name="deadline" type="date" value="${isoDay(now + 7 * DAY_MS)}" min="${isoDay(now + DAY_MS)}" max="${isoDay(now + ORG_POLICY.gracePeriodMaxDays * DAY_MS)}" required>
    <p class="hint">${t('org:deadline.hint', { email: member.email })}</p>
    <div class="row-actions">
      <button type="submit">${t('org:deadline.button')}</button>
      <a class="button secondary" href="/orgs/${org.id}/compliance">${t('common:actions.cancel')}</a>
    </div>
  </form>
</section>`,
    );
  }

  app.get('/orgs/:orgId/members/:userId/deadline', async (request, reply) => showDeadline(request, reply, 200, null));

  app.post('/orgs/:orgId/members/:userId/deadline', async (request, reply) => {
    const { session, org, member } = await target(request);
    try {
      const deadline = dateField(request.body, 'deadline');
      await extendDeadline(ctx, { session, meta: meta(request) }, { orgId: org.id, userId: member.userId, deadline });
    } catch (error) {
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (error instanceof AppError && error.status < 500) return showDeadline(request, reply, error.status, error);
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/compliance?done=extended`, 303);
  });
}
