/**
 * Org security in the browser: the 2FA policy (with a confirmation that says how many members it
 * affects), the compliance view with its adoption chart, reminders, and the admin 2FA reset.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ORG_POLICY } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { meta, requireSession } from '../http/request.ts';
import { changePolicy } from '../flows/org-policy.ts';
import { complianceMembers, notifyMembersWithout2fa } from '../flows/compliance.ts';
import { resetMemberTwoFactor } from '../flows/reset-member.ts';
import { findMember, requireManager } from '../orgs/service.ts';
import { getPolicy, membersWithout2faInScope, type OrgPolicy } from '../orgs/policy.ts';
import { adoptionSeries } from '../orgs/compliance.ts';
import { ENROLLABLE_METHODS } from '../factors/index.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { adoptionChart, complianceTable, policyForm, type PolicyFormValues } from './org-security-views.ts';
import { breakGlassNotice } from './exemption-views.ts';

type Body = Record<string, string | string[] | undefined>;

const DONE: Record<string, string> = {
  policy: 'Security policy saved. Deadlines were recomputed for everyone.',
  notified: 'Reminder emails are on their way.',
  reset: "The member's two-factor authentication was reset and they were signed out everywhere.",
  exempted: 'The exemption was saved. The member and every owner get an email.',
  exemption_ended: 'The exemption was ended. The member and every owner get an email.',
  extended: 'The deadline was extended. The member and every owner get an email.',
};

/** One AAGUID per line (or comma-separated); anything not shaped like one is refused with the field named. */
function readAaguids(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join('\n') : (value ?? '');
  const items = text
    .split(/[\s,]+/)
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a.length > 0);
  const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  if (items.length > ORG_POLICY.maxAllowedAuthenticators || items.some((a) => !shape.test(a)))
    throw new AppError('invalid_request', {
      message: `Enter up to ${ORG_POLICY.maxAllowedAuthenticators} AAGUIDs, one per line (like 2fc0579f-8113-47ea-b116-bb5a8db9202a).`,
      details: { field: 'allowedAuthenticators' },
    });
  return [...new Set(items)];
}

function readPolicy(body: Body): PolicyFormValues {
  const list = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
  const int = (v: string | string[] | undefined, max: number, field: string): number => {
    const n = Number(v);
    if (typeof v !== 'string' || !/^\d{1,3}$/.test(v) || n > max)
      throw new AppError('invalid_request', { message: `Enter a whole number from 0 to ${max}.`, details: { field } });
    return n;
  };
  // A field the form did not send keeps the org default (every rendered form sends one of the choices).
  const choice = <T extends string>(v: unknown, values: readonly T[], field: string, absent: T): T => {
    if (v === undefined) return absent;
    const found = values.find((known) => known === v);
    if (!found) throw new AppError('invalid_request', { details: { field } });
    return found;
  };
  const requirement = body.requireTwoFactor;
  if (requirement !== 'off' && requirement !== 'staff' && requirement !== 'everyone')
    throw new AppError('invalid_request', { details: { field: 'requireTwoFactor' } });
  return {
    requireTwoFactor: requirement,
    gracePeriodDays: int(body.gracePeriodDays, ORG_POLICY.gracePeriodMaxDays, 'gracePeriodDays'),
    trustedDeviceDays: int(body.trustedDeviceDays, ORG_POLICY.trustedDeviceMaxDays, 'trustedDeviceDays'),
    allowedMethods: list(body.allowedMethods).filter((m) => ENROLLABLE_METHODS.some((known) => known === m)),
    selfServiceRecovery: body.selfServiceRecovery === '1',
    emailCodes: choice(body.emailCodes, ['off', 'clients', 'everyone'] as const, 'emailCodes', 'off'),
    phishingResistant: choice(
      body.phishingResistant,
      ['off', 'staff', 'everyone'] as const,
      'phishingResistant',
      'off',
    ),
    allowedAuthenticators: readAaguids(body.allowedAuthenticators),
    newDeviceCheck: choice(body.newDeviceCheck, ['off', 'staff', 'everyone'] as const, 'newDeviceCheck', 'staff'),
  };
}

export async function orgSecurityPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function manager(request: FastifyRequest) {
    const session = requireSession(request);
    const { orgId } = request.params as { orgId: string };
    const { org } = await requireManager(ctx, orgId, session.userId);
    return { session, org };
  }

  async function showPolicy(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: OrgPolicy | PolicyFormValues,
    error: string | null,
    confirm: number | null,
  ) {
    const { org } = await manager(request);
    const frame = await pageFrame(ctx, request, reply);
    const done = DONE[(request.query as { done?: string }).done ?? ''] ?? null;
    return frame.send(
      status,
      'Security policy',
      html`<h1>Security policy — ${org.name}</h1>
${notice('error', error)}${notice('success', done)}
${policyForm(org.id, values, frame.csrf, confirm)}`,
    );
  }

  app.get('/orgs/:orgId/security', async (request, reply) => {
    const { org } = await manager(request);
    return showPolicy(request, reply, 200, await getPolicy(ctx, org.id), null, null);
  });

  app.post('/orgs/:orgId/security', async (request, reply) => {
    const { session, org } = await manager(request);
    let values: PolicyFormValues;
    try {
      values = readPolicy(request.body as Body);
    } catch (error) {
      if (error instanceof AppError)
        return showPolicy(request, reply, 400, await getPolicy(ctx, org.id), error.message, null);
      throw error;
    }
    const body = request.body as Body;
    if (body.confirmed !== '1') {
      // First submit: say how many members the change affects and ask to confirm.
      return showPolicy(
        request,
        reply,
        200,
        values,
        null,
        await membersWithout2faInScope(ctx, org.id, values.requireTwoFactor),
      );
    }
    try {
      await changePolicy(ctx, { session, meta: meta(request) }, { orgId: org.id, patch: values });
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this action.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/security?done=policy`, 303);
  });

  app.get('/orgs/:orgId/compliance', async (request, reply) => {
    const { session, org } = await manager(request);
    const onlyWithout = (request.query as { filter?: string }).filter === 'without';
    const members = (await complianceMembers(ctx, { session, meta: meta(request) }, org.id)).filter(
      (m) => !onlyWithout || !m.twoFactorEnabled,
    );
    const series = await adoptionSeries(ctx, org.id, 30);
    const frame = await pageFrame(ctx, request, reply);
    const done = DONE[(request.query as { done?: string }).done ?? ''] ?? null;
    return frame.send(
      200,
      '2FA compliance',
      html`<h1>2FA compliance — ${org.name}</h1>
${notice('success', done)}
<section class="card" aria-labelledby="adoption-title"><h2 id="adoption-title">Adoption, last 30 days</h2>${adoptionChart(series)}</section>
<section class="card" aria-labelledby="members-title">
  <h2 id="members-title">Members</h2>
  ${breakGlassNotice(members)}
  <p><a href="/orgs/${org.id}/compliance">All</a> · <a href="/orgs/${org.id}/compliance?filter=without">Without 2FA</a></p>
  ${complianceTable(org.id, members)}
  <p><a href="/api/v1/orgs/${org.id}/compliance.csv" download>Download as CSV</a> <span class="muted">(every member, with exemptions, deadlines and check-ups)</span></p>
  <form method="post" action="/orgs/${org.id}/compliance/notify">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <button type="submit" class="secondary">Email everyone without 2FA</button>
    <p class="hint">Sends what two-factor authentication is, why your organization uses it, how to set it up, and their deadline.</p>
  </form>
</section>`,
    );
  });

  app.post('/orgs/:orgId/compliance/notify', async (request, reply) => {
    const { session, org } = await manager(request);
    await notifyMembersWithout2fa(ctx, { session, meta: meta(request) }, org.id);
    return reply.redirect(`/orgs/${org.id}/compliance?done=notified`, 303);
  });

  async function showReset(request: FastifyRequest, reply: FastifyReply, status: number, error: string | null) {
    const { org } = await manager(request);
    const { userId } = request.params as { userId: string };
    const target = await findMember(ctx, org.id, userId);
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(
      status,
      'Reset two-factor authentication',
      html`<section class="card narrow" aria-labelledby="reset-title">
  <h1 id="reset-title">Reset two-factor authentication of ${target.email}?</h1>
  ${notice('error', error)}
  <p>This removes their sign-in methods, backup codes and trusted browsers, and signs them out everywhere. They will set up a new method at their next sign-in. They get an email about it.</p>
  <form method="post" action="/orgs/${org.id}/members/${userId}/reset">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <label for="reason">Reason <span class="muted">(kept in the audit log)</span></label>
    <input id="reason" name="reason" type="text" maxlength="500" placeholder="e.g. lost phone, identity checked by video call">
    <button type="submit" class="danger">Reset 2FA</button>
    <a class="button secondary" href="/orgs/${org.id}/compliance">Cancel</a>
  </form>
</section>`,
    );
  }

  app.get('/orgs/:orgId/members/:userId/reset', async (request, reply) => showReset(request, reply, 200, null));

  app.post('/orgs/:orgId/members/:userId/reset', async (request, reply) => {
    const { session, org } = await manager(request);
    const { userId } = request.params as { userId: string };
    try {
      const reason = (request.body as Body).reason;
      const input = { orgId: org.id, userId, reason: typeof reason === 'string' ? reason.slice(0, 500) : '' };
      await resetMemberTwoFactor(ctx, { session, meta: meta(request) }, input);
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this action.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (error instanceof AppError && error.status < 500)
        return showReset(request, reply, error.status, error.message);
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/compliance?done=reset`, 303);
  });
}
