/**
 * Forward authentication: the hosts an org protects behind its reverse proxy, and carrying a signed-in
 * browser to such a host. Host rules are managed by the org's owners and admins (sudo: they decide who
 * reaches an app); every change is audited. Return addresses go only to protected hosts.
 */
import { FORWARD_AUTH } from '../config/defaults.ts';
import { audit, type Ctx } from '../context.ts';
import type { Role } from '../db/schema.ts';
import { ROLES } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { requireManager } from '../orgs/service.ts';
import type { CurrentSession } from '../sessions/service.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';
import { appAccess } from '../oidc/access.ts';
import { normaliseHost } from '../forward-auth/check.ts';
import {
  consumeCode,
  countProtectedHosts,
  deleteProtectedHost,
  findProtectedHost,
  insertProtectedHost,
  issueCode,
  issueToken,
  listProtectedHosts,
  type ProtectedHost,
} from '../forward-auth/store.ts';
import { findSessionById } from '../sessions/service.ts';
import { meetsAal2 } from '../core/assurance-level.ts';

export async function listOrgProtectedHosts(ctx: Ctx, acting: Acting, orgId: string): Promise<ProtectedHost[]> {
  await requireManager(ctx, orgId, acting.session.userId);
  return listProtectedHosts(ctx, orgId);
}

export async function addProtectedHost(
  ctx: Ctx,
  acting: Acting,
  orgId: string,
  input: { host: string; requireTwoFactor: boolean; roles?: readonly string[] },
): Promise<ProtectedHost> {
  await requireManager(ctx, orgId, acting.session.userId);
  requireRecentReauthentication(ctx, acting.session);
  const host = normaliseHost(input.host);
  if (!host || input.host.trim().toLowerCase() !== host) {
    throw new AppError('invalid_request', {
      key: 'errors:messages.forwardAuth.hostFormat',
      details: { field: 'host' },
    });
  }
  const roles = [...new Set(input.roles ?? [])];
  if (roles.some((r) => !(ROLES as readonly string[]).includes(r)))
    throw new AppError('invalid_request', {
      key: 'errors:messages.forwardAuth.unknownRole',
      details: { field: 'roles' },
    });
  if ((await countProtectedHosts(ctx, orgId)) >= FORWARD_AUTH.maxHostsPerOrg) {
    throw new AppError('conflict', {
      key: 'errors:messages.forwardAuth.tooManyHosts',
      values: { max: FORWARD_AUTH.maxHostsPerOrg },
    });
  }
  const added = await insertProtectedHost(ctx, {
    orgId,
    host,
    requireTwoFactor: input.requireTwoFactor,
    roles: roles as Role[],
    createdBy: acting.session.userId,
  });
  await audit(ctx, acting.meta, {
    event: 'forward_auth.host_added',
    actorUserId: acting.session.userId,
    orgId,
    details: { host, requireTwoFactor: input.requireTwoFactor, roles: roles.join(' ') },
  });
  return added;
}

export async function removeProtectedHost(ctx: Ctx, acting: Acting, orgId: string, id: string): Promise<void> {
  await requireManager(ctx, orgId, acting.session.userId);
  requireRecentReauthentication(ctx, acting.session);
  const removed = await deleteProtectedHost(ctx, orgId, id);
  if (!removed) throw new AppError('not_found');
  await audit(ctx, acting.meta, {
    event: 'forward_auth.host_removed',
    actorUserId: acting.session.userId,
    orgId,
    details: { host: removed.host },
  });
}

/** Where a protected host's request came from: its host rule and the path to return to. */
export interface ReturnTarget {
  readonly rule: ProtectedHost;
  readonly origin: string;
  readonly path: string;
}

/** Reads `rd` (the original URL): accepted only for a protected host; anything else is refused. */
export async function parseReturnTarget(ctx: Ctx, rd: string): Promise<ReturnTarget> {
  let url: URL;
  try {
    url = new URL(rd);
  } catch {
    throw new AppError('invalid_request', { key: 'errors:messages.forwardAuth.notProtected' });
  }
  const host = normaliseHost(url.host);
  const rule =
    host &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !url.username &&
    !url.password &&
    rd.length <= FORWARD_AUTH.maxReturnLength
      ? await findProtectedHost(ctx, host)
      : null;
  if (!rule) throw new AppError('invalid_request', { key: 'errors:messages.forwardAuth.notProtected' });
  return { rule, origin: url.origin, path: `${url.pathname}${url.search}` };
}

export type StartOutcome =
  | { readonly kind: 'continue'; readonly location: string }
  | {
      readonly kind: 'refused';
      readonly reason:
        | 'not_member'
        | 'suspended'
        | 'enrollment_required'
        | 'role_not_allowed'
        | 'two_factor_required'
        | 'enrol_for_two_factors';
    };

/**
 * A signed-in browser on its way to a protected host: the same access rule as the proxy's check, then a
 * one-time code the host's callback route redeems for its own cookie.
 */
export async function startForwardAuth(ctx: Ctx, session: CurrentSession, target: ReturnTarget): Promise<StartOutcome> {
  const access = await appAccess(ctx, session.userId, target.rule.orgId);
  if (!access.allowed) return { kind: 'refused', reason: access.reason };
  if (target.rule.roles.length > 0 && !target.rule.roles.includes(access.role))
    return { kind: 'refused', reason: 'role_not_allowed' };
  if (target.rule.requireTwoFactor && !meetsAal2(session.amr)) {
    return { kind: 'refused', reason: session.user.twoFactorEnabled ? 'two_factor_required' : 'enrol_for_two_factors' };
  }
  const code = await issueCode(ctx, session.id, target.rule.host, target.path);
  const location = new URL(FORWARD_AUTH.callbackPath, target.origin);
  location.searchParams.set('code', code);
  return { kind: 'continue', location: location.toString() };
}

/** On the protected host: spends the code and gives the host its token (tied to the twofold session). */
export async function redeemForwardAuthCode(
  ctx: Ctx,
  host: string,
  code: string,
): Promise<{ token: string; returnPath: string; maxAgeSeconds: number }> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(code)) throw new AppError('invalid_token');
  const spent = await consumeCode(ctx, code, host);
  if (!spent) throw new AppError('invalid_token');
  const session = await findSessionById(ctx, spent.sessionId);
  if (!session) throw new AppError('invalid_token');
  const token = await issueToken(ctx, session.id, host, session.absoluteExpiresAt);
  const maxAgeSeconds = Math.max(1, Math.floor((Date.parse(session.absoluteExpiresAt) - ctx.clock().getTime()) / 1000));
  return { token, returnPath: spent.returnPath, maxAgeSeconds };
}
