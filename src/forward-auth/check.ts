/**
 * The forward-auth decision for one proxied request, as ordered checks — any doubt is a refusal (fail
 * closed; authentik CVE-2026-25748 answered 200 without an identity for a malformed cookie):
 * host protected → exactly one well-formed token cookie → token known, for this host, unexpired → its
 * twofold session live → the app-access rule (member, not suspended, not past a 2FA deadline) → role allowed
 * → two factors when the host asks for them → allowed, with the identity headers.
 */
import type { Ctx } from '../context.ts';
import { FORWARD_AUTH } from '../config/defaults.ts';
import { appAccess } from '../oidc/access.ts';
import { findSessionById } from '../sessions/service.ts';
import { findProtectedHost, findToken, type ProtectedHost } from './store.ts';
import { meetsAal2 } from '../core/assurance-level.ts';

export type Refusal =
  | 'unknown_host'
  | 'no_token'
  | 'malformed_token'
  | 'unknown_token'
  | 'session_ended'
  | 'not_member'
  | 'suspended'
  | 'enrollment_required'
  | 'role_not_allowed'
  | 'two_factor_required';

export interface IdentityHeaders {
  readonly 'Remote-User': string;
  readonly 'Remote-Email': string;
  readonly 'Remote-Name': string;
  readonly 'Remote-Groups': string;
}

export type ForwardAuthDecision =
  | { readonly allowed: true; readonly headers: IdentityHeaders }
  | { readonly allowed: false; readonly reason: Refusal; readonly host: ProtectedHost | null };

/** The token cookie's name on a host served over https (host-only, Secure) or http. */
export function tokenCookieName(https: boolean): string {
  return https ? `__Host-${FORWARD_AUTH.cookieName}` : FORWARD_AUTH.cookieName;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Every value the Cookie header gives our token cookie (either name), as sent. */
function tokenCandidates(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return [];
  const names = new Set([tokenCookieName(true), tokenCookieName(false)]);
  const values: string[] = [];
  for (const part of cookieHeader.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (names.has(part.slice(0, at).trim())) values.push(part.slice(at + 1).trim());
  }
  return values;
}

/** Lower-case host[:port] as a proxy reports it, or null when it is not a plausible host. */
export function normaliseHost(value: string | undefined): string | null {
  if (!value) return null;
  const host = value.split(',')[0]!.trim().toLowerCase();
  return /^[a-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9a-f:.]{2,45}\](:\d{1,5})?$/.test(host) ? host : null;
}

export async function decideForwardAuth(
  ctx: Ctx,
  request: { host: string | null; cookie: string | undefined },
): Promise<ForwardAuthDecision> {
  const rule = request.host ? await findProtectedHost(ctx, request.host) : null;
  const refuse = (reason: Refusal): ForwardAuthDecision => ({ allowed: false, reason, host: rule });
  if (!rule) return refuse('unknown_host');
  const candidates = tokenCandidates(request.cookie);
  if (candidates.length === 0) return refuse('no_token');
  // Two different values (a planted second cookie), or one of the wrong shape: never guess which to trust.
  if (new Set(candidates).size !== 1 || !TOKEN_SHAPE.test(candidates[0]!)) return refuse('malformed_token');
  const token = await findToken(ctx, candidates[0]!);
  if (!token || token.host !== rule.host || token.expiresAt <= ctx.clock().toISOString())
    return refuse('unknown_token');
  const session = await findSessionById(ctx, token.sessionId);
  if (!session || session.kind !== 'full') return refuse('session_ended');
  const access = await appAccess(ctx, session.userId, rule.orgId);
  if (!access.allowed) return refuse(access.reason);
  if (rule.roles.length > 0 && !rule.roles.includes(access.role)) return refuse('role_not_allowed');
  if (rule.requireTwoFactor && !meetsAal2(session.amr)) return refuse('two_factor_required');
  return {
    allowed: true,
    headers: {
      'Remote-User': session.userId,
      'Remote-Email': session.user.email,
      'Remote-Name': session.user.name,
      'Remote-Groups': access.role,
    },
  };
}
