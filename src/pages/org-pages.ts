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
import { csrfInput, day, flash, formError, plainText, plural, ROLE_LABELS, textField, type FormError } from './ui.ts';

const DONE: Readonly<Record<string, string>> = {
  welcome: 'Your organization is ready. Invite your team below: each person gets an email link to set their password.',
  invited: 'Invitation sent.',
  invited_undelivered:
    "The invitation was created, but the email could not be delivered right away. We will keep retrying; if it doesn't arrive, revoke it and invite again.",
  role_changed: 'Role updated.',
  removed: 'Member removed. They no longer have access to this organization or its apps.',
  suspended: 'Account suspended. They were signed out everywhere.',
  reactivated: 'Account reactivated. They can sign in again.',
  invitation_revoked: 'Invitation revoked. Its link no longer works.',
};

const AUDIT_PAGE_SIZE = 50;
const REQUIREMENT_TEXT: Readonly<Record<string, string>> = {
  off: 'Off — members choose for themselves',
  staff: 'Required for owners, admins and staff',
  everyone: 'Required for everyone, clients included',
};

function parseRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new AppError('invalid_request', { message: 'Choose a role.', details: { field: 'role' } });
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
    const [members, invitations, onboarding] = await Promise.all([
      listMembers(ctx, org.id),
      listInvitations(ctx, org.id),
      onboardingOf(ctx, { session }),
    ]);
    const done = error || inviteValues.error ? null : flash(request.query, DONE);
    return frame.send(
      status,
      `People — ${org.name}`,
      html`<div class="page-head"><h1>People</h1><p class="muted">${org.name}</p></div>
${orgTabs(org.id, 'members')}
${notice('success', done)}${notice('error', error?.message)}
${onboarding?.orgId === org.id ? onboardingCard(onboarding, frame.csrf, `/orgs/${org.id}/members`) : ''}
${membersView({ orgId: org.id, actorId: session.userId, actorRole: role, members, invitations, csrf: frame.csrf, invite: inviteValues })}`,
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
    return frame.send(
      200,
      'Remove member',
      html`<section class="card narrow" aria-labelledby="remove-title">
  <h1 id="remove-title">Remove ${member.name || member.email}?</h1>
  <p>${member.email} (${ROLE_LABELS[member.role] ?? member.role}) will lose access to <strong>${org.name}</strong> and its apps at once. They are also signed out everywhere unless they belong to another organization you don't manage. Their account itself is kept.</p>
  <form method="post" action="/orgs/${org.id}/members/${member.userId}/remove" class="row-actions">
    ${csrfInput(frame.csrf)}
    <button type="submit" class="danger">Remove from ${org.name}</button>
    <a class="button secondary" href="/orgs/${org.id}/members">Cancel</a>
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
            ? { ...problem, message: 'That invitation was already accepted, revoked or has expired.' }
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
    return frame.send(
      200,
      `Organization — ${org.name}`,
      html`<div class="page-head"><h1>Organization</h1><p class="muted">${org.name}</p></div>
${orgTabs(org.id, 'settings')}
<section class="card" aria-labelledby="org-title">
  <h2 id="org-title">Organization</h2>
  <dl class="facts">
    <dt>Name</dt><dd>${org.name}</dd>
    <dt>Created</dt><dd>${day(org.createdAt)}</dd>
    <dt>Members</dt><dd>${plural(members.length, 'member')}</dd>
    <dt>Your role</dt><dd>${ROLE_LABELS[role] ?? role}</dd>
  </dl>
</section>
<section class="card" aria-labelledby="policy-title">
  <h2 id="policy-title">Security policy (two-factor requirement, grace period, trusted devices)</h2>
  <dl class="facts">
    <dt>Two-factor authentication</dt><dd>${REQUIREMENT_TEXT[policy.requireTwoFactor] ?? policy.requireTwoFactor}</dd>
    <dt>Grace period</dt><dd>${plural(policy.gracePeriodDays, 'day')} to set it up once it is required</dd>
    <dt>"Trust this device"</dt><dd>${policy.trustedDeviceDays === 0 ? 'Off — every sign-in on an unrecognised browser asks for the second step' : `Lasts ${plural(policy.trustedDeviceDays, 'day')}`}</dd>
  </dl>
  <p><a class="button secondary" href="/orgs/${org.id}/security">Change security policy</a></p>
</section>
<section class="card" aria-labelledby="tools-title">
  <h2 id="tools-title">Tools</h2>
  <ul class="plain">
    <li><a href="/orgs/${org.id}/compliance">2FA compliance</a>: who has 2FA, deadlines, adoption, reminders, resets</li>
    <li><a href="/orgs/${org.id}/api-keys">API keys</a> for scripts and integrations</li>
    <li><a href="/orgs/${org.id}/import">Import members</a> from another system (CSV)</li>
    <li><a href="/orgs/${org.id}/branding">Branding</a>: your name, logo and colour on sign-in pages</li>
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
      throw new AppError('invalid_request', { message: 'Choose an event from the list.', details: { field: 'event' } });
    if (userId && !/^[A-Za-z0-9_-]{1,64}$/.test(userId))
      throw new AppError('invalid_request', {
        message: 'Choose a person from the list.',
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
    const option = (value: string, label: string, selected: boolean): Html =>
      html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
    return frame.send(
      200,
      `Audit log — ${org.name}`,
      html`<div class="page-head"><h1>Audit log</h1><p class="muted">${org.name} · newest first · times in UTC</p></div>
${orgTabs(org.id, 'audit')}
<form method="get" action="/orgs/${org.id}/audit" class="card row filters" aria-label="Filter the audit log">
  <div><label for="filter-user">Person</label>
    <select id="filter-user" name="userId">${option('', 'Everyone', !userId)}${members.map((m) => option(m.userId, m.name ? `${m.name} (${m.email})` : m.email, m.userId === userId))}</select></div>
  <div><label for="filter-event">Event</label>
    <select id="filter-event" name="event">${option('', 'All events', !event)}${AUDIT_EVENTS.map((e) => option(e, `${eventLabel(e)} (${e})`, e === event))}</select></div>
  <div class="row-submit"><button type="submit">Filter</button>${userId || event ? html` <a class="button secondary" href="/orgs/${org.id}/audit">Clear</a>` : ''}</div>
</form>
<section class="card" aria-label="Events">
  ${auditTable(page.rows, { people: true, caption: `Audit log of ${org.name}` })}
  ${pager(base, before, page.nextCursor)}
</section>`,
    );
  });

  // Keeps /orgs/:orgId reachable as a short link to the members page.
  app.get('/orgs/:orgId', orgParams, async (request, reply) => {
    const { org } = await manager(request);
    return reply.redirect(`/orgs/${org.id}/members`, 303);
  });
}
