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
import type { LocalizableError, MessageKey } from '../i18n/index.ts';

type Body = Record<string, string | string[] | undefined>;

const DONE: Readonly<Record<string, MessageKey>> = {
  policy: 'org:policy.done.policy',
  notified: 'org:policy.done.notified',
  reset: 'org:policy.done.reset',
  exempted: 'org:policy.done.exempted',
  exemption_ended: 'org:policy.done.exemptionEnded',
  extended: 'org:policy.done.extended',
};

/** The `?done=` message, in the reader's language. */
function doneKey(query: unknown): MessageKey | null {
  const done = (query as { done?: string }).done ?? '';
  return Object.hasOwn(DONE, done) ? DONE[done]! : null;
}

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
      key: 'org:errors.aaguids',
      values: { max: ORG_POLICY.maxAllowedAuthenticators },
      details: { field: 'allowedAuthenticators' },
    });
  return [...new Set(items)];
}

function readPolicy(body: Body): PolicyFormValues {
  const list = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
  const int = (v: string | string[] | undefined, max: number, field: string): number => {
    const n = Number(v);
    if (typeof v !== 'string' || !/^\d{1,3}$/.test(v) || n > max)
      throw new AppError('invalid_request', {
        key: 'org:errors.wholeNumber',
        values: { max },
        details: { field },
      });
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
    error: LocalizableError | null,
    confirm: number | null,
  ) {
    const { org } = await manager(request);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const done = doneKey(request.query);
    return frame.send(
      status,
      t('org:policy.title'),
      html`<h1>${t('org:policy.heading', { org: org.name })}</h1>
${notice('error', error ? t.error(error) : null)}${notice('success', done ? t(done) : null)}
${policyForm(t, org.id, values, frame.csrf, confirm)}`,
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
      if (error instanceof AppError) return showPolicy(request, reply, 400, await getPolicy(ctx, org.id), error, null);
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
    const t = frame.t;
    const done = doneKey(request.query);
    // The CSV download (src/flows/compliance.ts) is data for spreadsheets and scripts: it stays English,
    // with stable column names, whatever the reader's language.
    return frame.send(
      200,
      t('org:compliance.title'),
      html`<h1>${t('org:compliance.heading', { org: org.name })}</h1>
${notice('success', done ? t(done) : null)}
<section class="card" aria-labelledby="adoption-title"><h2 id="adoption-title">${t('org:compliance.adoptionHeading')}</h2>${adoptionChart(t, series)}</section>
<section class="card" aria-labelledby="members-title">
  <h2 id="members-title">${t('org:compliance.membersHeading')}</h2>
  ${breakGlassNotice(t, members)}
  <p><a href="/orgs/${org.id}/compliance">${t('org:compliance.all')}</a> · <a href="/orgs/${org.id}/compliance?filter=without">${t('org:compliance.without')}</a></p>
  ${complianceTable(t, org.id, members)}
  <p><a href="/api/v1/orgs/${org.id}/compliance.csv" download>${t('org:compliance.download')}</a> <span class="muted">${t('org:compliance.downloadNote')}</span></p>
  <form method="post" action="/orgs/${org.id}/compliance/notify">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <button type="submit" class="secondary">${t('org:compliance.notify')}</button>
    <p class="hint">${t('org:compliance.notifyHint')}</p>
  </form>
</section>`,
    );
  });

  app.post('/orgs/:orgId/compliance/notify', async (request, reply) => {
    const { session, org } = await manager(request);
    await notifyMembersWithout2fa(ctx, { session, meta: meta(request) }, org.id);
    return reply.redirect(`/orgs/${org.id}/compliance?done=notified`, 303);
  });

  async function showReset(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
  ) {
    const { org } = await manager(request);
    const { userId } = request.params as { userId: string };
    const target = await findMember(ctx, org.id, userId);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('org:reset.title'),
      html`<section class="card narrow" aria-labelledby="reset-title">
  <h1 id="reset-title">${t('org:reset.heading', { email: target.email })}</h1>
  ${notice('error', error ? t.error(error) : null)}
  <p>${t('org:reset.body')}</p>
  <form method="post" action="/orgs/${org.id}/members/${userId}/reset">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <label for="reason">${t.html('org:reset.reason')}</label>
    <input id="reason" name="reason" type="text" maxlength="500" placeholder="${t('org:reset.reasonPlaceholder')}">
    <button type="submit" class="danger">${t('org:reset.button')}</button>
    <a class="button secondary" href="/orgs/${org.id}/compliance">${t('common:actions.cancel')}</a>
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
      if (error instanceof AppError && error.status < 500) return showReset(request, reply, error.status, error);
      throw error;
    }
    return reply.redirect(`/orgs/${org.id}/compliance?done=reset`, 303);
  });
}
