/** JSON routes: first-run setup, organizations, members, roles, invitations, the org audit log. */
import type { FastifyInstance } from 'fastify';
import { queryAudit } from '../audit/store.ts';
import type { Role } from '../db/schema.ts';
import { auditQuerySchema, pageLimit } from '../http/audit-query.ts';
import { email, object, params, password, role, str, token } from '../http/schema.ts';
import { browserTokens, issueSessionCookie, meta, requireSession } from '../http/request.ts';
import { userJson } from '../http/session.ts';
import { setUpAndSignIn } from '../flows/setup.ts';
import { changeRole, removeMember } from '../flows/members.ts';
import { acceptInvitation, invite, revokeInvitation } from '../flows/invitations.ts';
import { complianceMembers } from '../flows/compliance.ts';
import { isSetUp, membershipsOf, requireManager, roleIn } from './service.ts';
import { listInvitations } from './invitations.ts';

export async function orgRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get(
    '/api/v1/setup',
    { config: { public: true }, schema: { summary: 'Whether first-run setup is still open' } },
    async () => ({ setupOpen: !(await isSetUp(ctx)) }),
  );

  app.post(
    '/api/v1/setup',
    {
      config: { public: true },
      schema: {
        summary: 'First run: create the first organization and its owner (once)',
        body: object({ orgName: str(200), email: email(), password: password(), name: str(200) }, [
          'orgName',
          'email',
          'password',
        ]),
      },
    },
    async (request, reply) => {
      const body = request.body as { orgName: string; email: string; password: string; name?: string };
      const {
        user,
        org,
        token: sessionToken,
      } = await setUpAndSignIn(ctx, body, meta(request), browserTokens(ctx, request, reply).deviceId);
      issueSessionCookie(ctx, reply, sessionToken, false);
      return reply.status(201).send({ user: userJson(user), org: { id: org.id, name: org.name } });
    },
  );

  app.get('/api/v1/orgs', { schema: { summary: 'My organizations' } }, async (request) => {
    const session = requireSession(request);
    const memberships = await membershipsOf(ctx, session.userId);
    return { orgs: memberships.map((m) => ({ id: m.org.id, name: m.org.name, role: m.role })) };
  });

  app.get(
    '/api/v1/orgs/:orgId/members',
    { schema: { summary: 'Members of an organization (owner/admin)', params: params(['orgId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      return { members: await complianceMembers(ctx, { session, meta: meta(request) }, orgId) };
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/members/:userId',
    {
      schema: {
        summary: "Change a member's role",
        params: params(['orgId', 'userId']),
        body: object({ role: role() }, ['role']),
      },
    },
    async (request) => {
      const session = requireSession(request);
      const { orgId, userId } = request.params as { orgId: string; userId: string };
      await changeRole(
        ctx,
        { session, meta: meta(request) },
        { orgId, userId, role: (request.body as { role: Role }).role },
      );
      return { userId, role: (await roleIn(ctx, orgId, userId)).role };
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/members/:userId',
    {
      schema: { summary: 'Remove a member (or leave, for yourself)', params: params(['orgId', 'userId']) },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const { orgId, userId } = request.params as { orgId: string; userId: string };
      await removeMember(ctx, { session, meta: meta(request) }, { orgId, userId });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/invitations',
    { schema: { summary: 'Invitations of an organization', params: params(['orgId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      await requireManager(ctx, orgId, session.userId);
      return { invitations: await listInvitations(ctx, orgId) };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/invitations',
    {
      schema: {
        summary: 'Invite someone by email (7 days, single use)',
        params: params(['orgId']),
        body: object({ email: email(), role: role() }, ['email', 'role']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      const body = request.body as { email: string; role: Role };
      const result = await invite(ctx, { session, meta: meta(request) }, { orgId, email: body.email, role: body.role });
      return reply.status(201).send(result);
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/invitations/:invitationId',
    {
      schema: { summary: 'Revoke a pending invitation', params: params(['orgId', 'invitationId']) },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const { orgId, invitationId } = request.params as { orgId: string; invitationId: string };
      await revokeInvitation(ctx, { session, meta: meta(request) }, { orgId, invitationId });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { public: true },
      schema: {
        summary: 'Accept an invitation (new account: set a password; existing: prove it)',
        body: object({ token: token(), password: password(), name: str(200) }, ['token', 'password']),
      },
    },
    async (request, reply) => {
      const body = request.body as { token: string; password: string; name?: string };
      const user = await acceptInvitation(ctx, body, meta(request));
      return reply.status(200).send({ status: 'accepted', user: userJson(user) });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/audit',
    {
      schema: {
        summary: "The organization's audit log (owner/admin), newest first, paged",
        params: params(['orgId']),
        querystring: auditQuerySchema,
      },
    },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      await requireManager(ctx, orgId, session.userId);
      const q = request.query as { event?: string; userId?: string; before?: string; limit?: string };
      const page = await queryAudit(ctx.db, {
        orgId,
        userId: q.userId,
        event: q.event,
        before: q.before,
        limit: pageLimit(q.limit),
      });
      return { events: page.rows, nextCursor: page.nextCursor };
    },
  );
}
