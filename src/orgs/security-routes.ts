/** JSON routes of org security: policy, compliance, reminders, admin 2FA reset, suspension. */
import type { FastifyInstance } from 'fastify';
import { ORG_POLICY } from '../config/defaults.ts';
import { bool, object, params, str } from '../http/schema.ts';
import { meta, requireSession } from '../http/request.ts';
import { changePolicy } from '../flows/org-policy.ts';
import { setMemberSuspended } from '../flows/suspension.ts';
import { complianceCsv, complianceMembers, notifyMembersWithout2fa } from '../flows/compliance.ts';
import { resetMemberTwoFactor } from '../flows/reset-member.ts';
import { requireManager } from './service.ts';
import { getPolicy, membersWithout2faInScope, type OrgPolicy } from './policy.ts';
import { adoptionSeries } from './compliance.ts';
import { ENROLLABLE_METHODS } from '../factors/index.ts';

const requirement = { type: 'string', enum: ['off', 'staff', 'everyone'] };
export const policySchema = object({
  requireTwoFactor: requirement,
  gracePeriodDays: { type: 'integer', minimum: 0, maximum: ORG_POLICY.gracePeriodMaxDays },
  trustedDeviceDays: { type: 'integer', minimum: 0, maximum: ORG_POLICY.trustedDeviceMaxDays },
  allowedMethods: {
    type: 'array',
    maxItems: ENROLLABLE_METHODS.length,
    uniqueItems: true,
    items: { type: 'string', enum: [...ENROLLABLE_METHODS] },
  },
  selfServiceRecovery: bool(),
  emailCodes: { type: 'string', enum: ['off', 'clients', 'everyone'] },
  newDeviceCheck: requirement,
  phishingResistant: requirement,
  allowedAuthenticators: {
    type: 'array',
    maxItems: ORG_POLICY.maxAllowedAuthenticators,
    uniqueItems: true,
    items: { type: 'string', pattern: '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' },
  },
});

export async function orgSecurityRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get(
    '/api/v1/orgs/:orgId/policy',
    { schema: { summary: "The organization's security policy", params: params(['orgId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      await requireManager(ctx, orgId, session.userId);
      return getPolicy(ctx, orgId);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/policy/preview',
    {
      schema: {
        summary: 'How many members without 2FA a requirement would cover',
        params: params(['orgId']),
        querystring: object({ requireTwoFactor: requirement }, ['requireTwoFactor']),
      },
    },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      await requireManager(ctx, orgId, session.userId);
      return {
        affectedMembers: await membersWithout2faInScope(
          ctx,
          orgId,
          (request.query as { requireTwoFactor: string }).requireTwoFactor,
        ),
      };
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/policy',
    {
      schema: {
        summary: 'Change the security policy (owner/admin, sudo); deadlines are recomputed at once',
        params: params(['orgId']),
        body: policySchema,
      },
    },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      return changePolicy(ctx, { session, meta: meta(request) }, { orgId, patch: request.body as Partial<OrgPolicy> });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/compliance',
    { schema: { summary: '2FA status of every member and adoption over the last 30 days', params: params(['orgId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      return {
        members: await complianceMembers(ctx, { session, meta: meta(request) }, orgId),
        adoption: await adoptionSeries(ctx, orgId, 30),
      };
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/compliance.csv',
    {
      schema: {
        summary:
          'The compliance list as CSV: email, name, role, 2FA, methods, last used, last sign-in, deadline, overdue, exemption (with its end and reason), extended deadline, check-up',
        params: params(['orgId']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      const csv = await complianceCsv(ctx, { session, meta: meta(request) }, orgId);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="compliance.csv"')
        .send(csv);
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/notify-without-2fa',
    { schema: { summary: 'Email every member without 2FA how and why to set it up', params: params(['orgId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      return { notified: await notifyMembersWithout2fa(ctx, { session, meta: meta(request) }, orgId) };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/members/:userId/reset-two-factor',
    {
      schema: {
        summary: "Reset a member's 2FA (owner/admin, sudo): factors, backup codes, trusted devices and sessions go",
        params: params(['orgId', 'userId']),
        body: object({ reason: str(500) }),
      },
    },
    async (request) => {
      const session = requireSession(request);
      const { orgId, userId } = request.params as { orgId: string; userId: string };
      const reason = (request.body as { reason?: string } | undefined)?.reason ?? '';
      await resetMemberTwoFactor(ctx, { session, meta: meta(request) }, { orgId, userId, reason });
      return { status: 'reset' };
    },
  );

  for (const [action, suspended] of [
    ['suspend', true],
    ['reactivate', false],
  ] as const) {
    app.post(
      `/api/v1/orgs/:orgId/members/:userId/${action}`,
      {
        schema: {
          summary: suspended
            ? "Suspend a member's account (owner/admin, sudo; account-wide: needs authority in each of their orgs): signed out everywhere, no sign-in, API keys or app tokens"
            : "Reactivate a suspended member's account (owner/admin, sudo; same authority)",
          params: params(['orgId', 'userId']),
          body: object({ reason: str(500) }),
        },
      },
      async (request) => {
        const session = requireSession(request);
        const { orgId, userId } = request.params as { orgId: string; userId: string };
        const reason = (request.body as { reason?: string } | undefined)?.reason ?? '';
        const { changed } = await setMemberSuspended(
          ctx,
          { session, meta: meta(request) },
          { orgId, userId, suspended, reason },
        );
        return { status: suspended ? 'suspended' : 'active', changed };
      },
    );
  }
}
