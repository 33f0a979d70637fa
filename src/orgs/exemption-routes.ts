/** JSON routes of exceptions to the org's 2FA requirement: exemptions, break-glass, extended deadlines. */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { EXEMPTION } from '../config/defaults.ts';
import { bool, object, params, str } from '../http/schema.ts';
import { actingOf } from '../http/request.ts';
import { endExemption, extendDeadline, grantExemption, type ExemptionInput } from '../flows/exemptions.ts';

/** `{reason, expiresAt}`, or `{reason, breakGlass: true}` (no expiry, owner-only). */
function readExemption(body: { reason: string; expiresAt?: string; breakGlass?: boolean }): ExemptionInput {
  if (body.breakGlass === true) {
    if (body.expiresAt !== undefined)
      throw new AppError('invalid_request', {
        key: 'errors:messages.exemptions.breakGlassNoEnd',
        details: { field: 'expiresAt' },
      });
    return { reason: body.reason, breakGlass: true };
  }
  if (body.expiresAt === undefined)
    throw new AppError('invalid_request', {
      key: 'errors:messages.request.fieldRequired',
      values: { field: 'expiresAt' },
      details: { field: 'expiresAt' },
    });
  return { reason: body.reason, expiresAt: body.expiresAt };
}

export async function exemptionRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.put(
    '/api/v1/orgs/:orgId/members/:userId/exemption',
    {
      schema: {
        summary: `Exempt a member from the 2FA requirement until expiresAt (at most ${EXEMPTION.maxDays} days; owner/admin, sudo), or make them the org's one break-glass account (breakGlass: true, no expiry; owner only)`,
        params: params(['orgId', 'userId']),
        body: object(
          {
            reason: str(EXEMPTION.reasonMaxLength, { minLength: 1 }),
            expiresAt: str(40, { minLength: 1 }),
            breakGlass: bool(),
          },
          ['reason'],
        ),
      },
    },
    async (request) => {
      const by = actingOf(request);
      const { orgId, userId } = request.params as { orgId: string; userId: string };
      const exemption = readExemption(request.body as { reason: string; expiresAt?: string; breakGlass?: boolean });
      return { exemption: await grantExemption(ctx, by, { orgId, userId, exemption }) };
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/members/:userId/exemption',
    {
      schema: {
        summary: "End a member's exemption now (owner/admin, sudo; the break-glass account: owner only)",
        params: params(['orgId', 'userId']),
      },
    },
    async (request) => {
      const { orgId, userId } = request.params as { orgId: string; userId: string };
      return endExemption(ctx, actingOf(request), { orgId, userId });
    },
  );

  app.put(
    '/api/v1/orgs/:orgId/members/:userId/deadline',
    {
      schema: {
        summary: "Extend one member's 2FA deadline (owner/admin, sudo; at most the longest grace period from now)",
        params: params(['orgId', 'userId']),
        body: object({ deadline: str(40, { minLength: 1 }) }, ['deadline']),
      },
    },
    async (request) => {
      const { orgId, userId } = request.params as { orgId: string; userId: string };
      const { deadline } = request.body as { deadline: string };
      return extendDeadline(ctx, actingOf(request), { orgId, userId, deadline });
    },
  );
}
