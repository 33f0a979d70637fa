/**
 * Org administration in the browser (owner/admin; other members get 403, non-members 404): staff and
 * clients with roles and 2FA status, invitations, the org's settings overview and its audit log.
 * The org services enforce who may do what; these handlers read forms and show the outcome.
 */
import { onboardingOf } from '../flows/onboarding.ts';
import { onboardingCard } from './onboarding-views.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { AUDIT_EVENTS } from '../audit/events.ts';
import { queryAudit } from '../audit/store.ts';
import { ROLES, type Role } from '../db/schema.ts';
import { meta, requireSession } from '../http/request.ts';
import { params } from '../http/schema.ts';
import { changeRole, removeMember } from '../flows/members.ts';
import { invite, revokeInvitation } from '../flows/invitations.ts';
import { getPolicy } from '../orgs/policy.ts';
import { findMember, listMembers, requireManager, type Org } from '../orgs/service.ts';
import { listInvitations } from '../orgs/invitations.ts';
import type { CurrentSession } from '../sessions/service.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { auditTable, cursorParam, eventLabel, pager } from './audit-views.ts';
import { membersView, orgTabs } from './org-views.ts';
import { csrfInput, flash, formError, plainText, roleLabel, textField, type FormError } from './ui.ts';
import { english, type MessageKey } from '../i18n/index.ts';

const DONE: Readonly<Record<string, MessageKey>> = {
  welcome: 'org:members.done.welcome',
  invited: 'org:members.done.invited',
  invited_undelivered: 'org:members.done.invitedUndelivered',
  role_changed: 'org:members.done.roleChanged',
  removed: 'org:members.done.removed',
  suspended: 'org:members.done.suspended',
  reactivated: 'org:members.done.reactivated',
  invitation_revoked: 'org:members.done.invitationRevoked',
};

const AUDIT_PAGE_SIZE = 50;
const REQUIREMENT_TEXT: Readonly<Record<string, MessageKey>> = {
  off: 'org:settings.requirement.off',
  staff: 'org:settings.requirement.staff',
  everyone: 'org:settings.requirement.everyone',
};

function parseRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new AppError('invalid_request', { key: 'org:errors.chooseRole', details: { field: 'role' } });
  return role;
}

export async function orgPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const orgParams = { schema: { params: params(['orgId']) } };
  const memberParams = { schema: { params: params(['orgId', 'userId']) } };

  /** The signed-in manager of the org in the URL: 404 for non-members, 403 for staff and clients. */
  async function manager(request: FastifyRequest): Promise<{ session: CurrentSession; org: Org; role: Role }> {
    const session = requireSession(request);
    const { orgId } = request.params as { orgId: string };
    const { org, role } = await requireManager(ctx, orgId, session.userId);
    return { session, org, role };
  }

  async function renderMembers(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: FormError | null,
    inviteValues = { email: '', role: 'staff' as Role, error: null as FormError | null },
  ) {
    const { session, org, role } = await manager(request);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const [members, invitations, onboarding] = await Promise.all([
      listMembers(ctx, org.id),
      listInvitations(ctx, org.id),
      onboardingOf(ctx, { session }),
    ]);
    const doneKey = error || inviteValues.error ? null : flash(request.query, DONE);
    const done = doneKey ? t(doneKey as MessageKey) : null;
    return frame.send(
      status,
      t('org:members.pageTitle', { org: org.name }),
      html`<div class="page-head"><h1>${t('org:members.heading')}</h1><p class="muted">${org.name}</p></div>
${orgTabs(t, org.id, 'members')}
${notice('success', done)}${notice('error', error ? t.error(error) : null)}
${onboarding?.orgId === org.id ? onboardingCard(t, onboarding, frame.csrf, `/orgs/${org.id}/members`) : ''}
${membersView(t, { orgId: org.id, actorId: session.userId, actorRole: role, members, invitations, csrf: frame.csrf, invite: inviteValues })}`,
    );
  }

  app.get('/orgs/:orgId/members', orgParams, async (request, reply) => renderMembers(request, reply, 200, null));

  app.post('/orgs/:orgId/members/:userId/role', memberParams, async (request, reply) => {
    const { session, org } = await manager(request);
    const { userId } = request.params as { userId: string };
    try {
      const role = parseRole(textField(request.body, 'role', 20));
      await changeRole(ctx, { session, meta: meta(request) }, { orgId: org.id, userId, role });
    } catch (error) {
      const problem = formError(error, reply);
      return renderMembers(request, reply, problem.status, problem);
    }
    return reply.redirect(`/orgs/${org.id}/members?done=role_changed`, 303);
  });

  app.get('/orgs/:orgId/members/:userId/remove', memberParams, async (request, reply) => {
    const { org } = await manager(request);
    const { userId } = request.params as { userId: string };
    const member = await findMember(ctx, org.id, userId);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      200,
      t('org:remove.title'),
      html`<section class="card narrow" aria-labelledby="remove-title">
  <h1 id="remove-title">${t('org:remove.heading', { who: member.name || member.email })}</h1>
  <p>${t.html('org:remove.body', { email: member.email, role: roleLabel(t, member.role), org: org.name })}</p>
  <form method="post" action="/orgs/${org.id}/members/${member.userId}/remove" class="row-actions">
    ${csrfInput(frame.csrf)}
    <button type="submit" class="danger">${t('org:remove.button', { org: org.name })}</button>
    <a class="button secondary" href="/orgs/${org.id}/members">${t('common:actions.cancel')}</a>
  </form>
</section>`,
    );
  });

  app.post('/orgs/:orgId/members/:userId/remove', memberParams, async (request, reply) => {
    const { session, org } = await manager(request);
    const { userId } = request.params as { userId: string };
    try {
      await removeMember(ctx, { session, meta: meta(request) }, { orgId: org.id, userId });
    } catch (error) {
      const problem = formError(error, reply);
      return renderMembers(request, reply, problem.status, problem);
    }
    return reply.redirect(`/orgs/${org.id}/members?done=removed`, 303);
  });

  app.post('/orgs/:orgId/invitations', orgParams, async (request, reply) => {
    const { session, org } = await manager(request);
    const body = request.body;
    const values = {
      email: textField(body, 'email', 320),
      role: ROLES.find((r) => r === textField(body, 'role', 20)) ?? 'staff',
    };
    let delivered: boolean;
    try {
      const input = { orgId: org.id, email: plainText(body, 'email'), role: parseRole(textField(body, 'role', 20)) };
      const result = await invite(ctx, { session, meta: meta(request) }, input);
      delivered = result.emailDelivered;
    } catch (error) {
      const problem = formError(error, reply);
      return renderMembers(request, reply, problem.status, null, { ...values, error: problem });
    }
    return reply.redirect(`/orgs/${org.id}/members?done=${delivered ? 'invited' : 'invited_undelivered'}`, 303);
  });

  app.post(
    '/orgs/:orgId/invitations/:invitationId/revoke',
    { schema: { params: params(['orgId', 'invitationId']) } },
    async (request, reply) => {
      const { session, org } = await manager(request);
      const { invitationId } = request.params as { invitationId: string };
      try {
        await revokeInvitation(ctx, { session, meta: meta(request) }, { orgId: org.id, invitationId });
      } catch (error) {
        const problem = formError(error, reply);
        return renderMembers(
          request,
          reply,
          problem.status,
          problem.code === 'not_found'
            ? {
                ...problem,
                message: english('org:errors.invitationGone'),
                messageKey: 'org:errors.invitationGone' as const,
                messageValues: {},
              }
            : problem,
        );
      }
      return reply.redirect(`/orgs/${org.id}/members?done=invitation_revoked`, 303);
    },
  );

  app.get('/orgs/:orgId/settings', orgParams, async (request, reply) => {
    const { org, role } = await manager(request);
    const [policy, members] = await Promise.all([getPolicy(ctx, org.id), listMembers(ctx, org.id)]);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const requirement = REQUIREMENT_TEXT[policy.requireTwoFactor];
    return frame.send(
      200,
      t('org:settings.pageTitle', { org: org.name }),
      html`<div class="page-head"><h1>${t('org:settings.heading')}</h1><p class="muted">${org.name}</p></div>
${orgTabs(t, org.id, 'settings')}
<section class="card" aria-labelledby="org-title">
  <h2 id="org-title">${t('org:settings.heading')}</h2>
  <dl class="facts">
    <dt>${t('org:settings.name')}</dt><dd>${org.name}</dd>
    <dt>${t('org:settings.created')}</dt><dd>${t.day(org.createdAt)}</dd>
    <dt>${t('org:settings.members')}</dt><dd>${t('org:settings.memberCount', { count: members.length })}</dd>
    <dt>${t('org:settings.yourRole')}</dt><dd>${roleLabel(t, role)}</dd>
  </dl>
</section>
<section class="card" aria-labelledby="policy-title">
  <h2 id="policy-title">${t('org:settings.policyHeading')}</h2>
  <dl class="facts">
    <dt>${t('org:settings.twoFactor')}</dt><dd>${requirement ? t(requirement) : policy.requireTwoFactor}</dd>
    <dt>${t('org:settings.gracePeriod')}</dt><dd>${t('org:settings.graceValue', { count: policy.gracePeriodDays })}</dd>
    <dt>${t('org:settings.trustDevice')}</dt><dd>${policy.trustedDeviceDays === 0 ? t('org:settings.trustOff') : t('org:settings.trustLasts', { count: policy.trustedDeviceDays })}</dd>
  </dl>
  <p><a class="button secondary" href="/orgs/${org.id}/security">${t('org:settings.changePolicy')}</a></p>
</section>
<section class="card" aria-labelledby="tools-title">
  <h2 id="tools-title">${t('org:settings.toolsHeading')}</h2>
  <ul class="plain">
    <li>${t.html('org:settings.tools.compliance', { href: `/orgs/${org.id}/compliance` })}</li>
    <li>${t.html('org:settings.tools.apiKeys', { href: `/orgs/${org.id}/api-keys` })}</li>
    <li>${t.html('org:settings.tools.import', { href: `/orgs/${org.id}/import` })}</li>
    <li>${t.html('org:settings.tools.branding', { href: `/orgs/${org.id}/branding` })}</li>
  </ul>
</section>`,
    );
  });

  app.get('/orgs/:orgId/audit', orgParams, async (request, reply) => {
    const { org } = await manager(request);
    const query = request.query;
    const event = textField(query, 'event', 64);
    const userId = textField(query, 'userId', 64);
    if (event && !AUDIT_EVENTS.some((e) => e === event))
      throw new AppError('invalid_request', { key: 'org:errors.chooseEvent', details: { field: 'event' } });
    if (userId && !/^[A-Za-z0-9_-]{1,64}$/.test(userId))
      throw new AppError('invalid_request', {
        key: 'org:errors.choosePerson',
        details: { field: 'userId' },
      });
    const before = cursorParam(query);
    const [members, page] = await Promise.all([
      listMembers(ctx, org.id),
      queryAudit(ctx.db, {
        orgId: org.id,
        userId: userId || undefined,
        event: event || undefined,
        before,
        limit: AUDIT_PAGE_SIZE,
      }),
    ]);
    const filters = new URLSearchParams({ ...(userId ? { userId } : {}), ...(event ? { event } : {}) }).toString();
    const base = `/orgs/${org.id}/audit?${filters ? `${filters}&` : ''}`;
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const option = (value: string, label: string, selected: boolean): Html =>
      html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
    return frame.send(
      200,
      t('org:audit.pageTitle', { org: org.name }),
      html`<div class="page-head"><h1>${t('org:audit.heading')}</h1><p class="muted">${t('org:audit.subtitle', { org: org.name })}</p></div>
${orgTabs(t, org.id, 'audit')}
<form method="get" action="/orgs/${org.id}/audit" class="card row filters" aria-label="${t('org:audit.filterLabel')}">
  <div><label for="filter-user">${t('org:audit.person')}</label>
    <select id="filter-user" name="userId">${option('', t('org:audit.everyone'), !userId)}${members.map((m) => option(m.userId, m.name ? `${m.name} (${m.email})` : m.email, m.userId === userId))}</select></div>
  <div><label for="filter-event">${t('org:audit.event')}</label>
    <select id="filter-event" name="event">${option('', t('org:audit.allEvents'), !event)}${AUDIT_EVENTS.map((e) => option(e, `${eventLabel(t, e)} (${e})`, e === event))}</select></div>
  <div class="row-submit"><button type="submit">${t('org:audit.filter')}</button>${userId || event ? html` <a class="button secondary" href="/orgs/${org.id}/audit">${t('org:audit.clear')}</a>` : ''}</div>
</form>
<section class="card" aria-label="${t('org:audit.events')}">
  ${auditTable(t, page.rows, { people: true, caption: t('org:audit.caption', { org: org.name }) })}
  ${pager(t, base, before, page.nextCursor)}
</section>`,
    );
  });

  // Keeps /orgs/:orgId reachable as a short link to the members page.
  app.get('/orgs/:orgId', orgParams, async (request, reply) => {
    const { org } = await manager(request);
    return reply.redirect(`/orgs/${org.id}/members`, 303);
  });
}
