/** Request decorations shared by every route: metadata for audit, the session, guards. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestMeta } from '../audit/store.ts';
import type { CurrentSession } from '../sessions/service.ts';
import { findSession } from '../sessions/service.ts';
import { isOverdue, requirementFor } from '../orgs/enforcement.ts';
import { resolveApiKey } from '../api-keys/service.ts';
import { dbRateLimiter, type RateLimiter } from '../throttle/rate-limiter.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { cookieNames, setCookie } from './cookies.ts';
import { isApiRoute, routeOrgId } from './route.ts';
import { DEVICE_ID, SESSION } from '../config/defaults.ts';
import { newDeviceId } from '../sessions/devices.ts';
import type { BrowserTokens } from '../flows/sign-in.ts';
import { limitByIp as limitPerIp } from '../flows/limits.ts';
import type { Acting } from '../flows/acting.ts';
import { getUser } from '../accounts/service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Open to a session whose 2FA enrolment is overdue (the enrolment routes). */
    enrolment?: boolean;
    /** Needs no session at all (sign-in, reset, setup…): never blocked by enforcement. */
    public?: boolean;
  }
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
  }
  interface FastifyRequest {
    /** The live session from the session cookie, resolved once per request (null: none). */
    session: CurrentSession | null;
  }
  interface FastifyInstance {
    ctx: Ctx;
  }
}

/**
 * Client IP: Fastify's request.ip, which honours X-Forwarded-For only when TRUST_PROXY names the proxy
 * the request came from; otherwise the header is ignored and the socket address is used.
 */
export function meta(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : '' };
}

const BEARER = /^Bearer ([^\s]{1,200})$/;
/** Unknown API keys per IP before 429 (every guessable secret is throttled, docs/security.md). */
const API_KEY_FAILURES = { limit: 20, windowSeconds: 60 };

/**
 * Machines: `Authorization: Bearer tf_…` on the JSON API only. The key stands for its user (and, for an
 * org key, only inside its org); 2FA and its enforcement do not apply (docs/product.md "API keys").
 */
async function resolveBearer(ctx: Ctx, request: FastifyRequest, header: string): Promise<CurrentSession> {
  const key = BEARER.exec(header)?.[1];
  const principal = key ? await resolveApiKey(ctx, key) : null;
  const user = principal ? await getUser(ctx, principal.userId) : null;
  if (!principal || !user) {
    const limit = await rateLimiter(ctx).hit(
      `ip:api-key-fail:${request.ip}`,
      API_KEY_FAILURES.limit,
      API_KEY_FAILURES.windowSeconds,
      ctx.clock(),
    );
    if (!limit.allowed) throw new AppError('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
    throw new AppError('unauthenticated', { key: 'errors:messages.apiKeys.invalid' });
  }
  if (user.suspendedAt) throw new AppError('account_suspended');
  const now = ctx.clock().toISOString();
  return {
    id: `api-key:${principal.id}`,
    userId: user.id,
    kind: 'full',
    amr: ['api_key'],
    remember: false,
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt: now,
    idleExpiresAt: now,
    reauthenticatedAt: null,
    steppedUpAt: null,
    ip: request.ip,
    userAgent: '',
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      twoFactorEnabled: user.twoFactorEnabled,
      locale: user.locale,
      timeZone: user.timeZone,
    },
    enrollmentRequired: false,
    apiKey: { id: principal.id, orgId: principal.orgId, scope: principal.scope },
  };
}

/** What an API key may reach: GET only for read keys; an org key only its org's routes. */
export function checkApiKeyReach(request: FastifyRequest): void {
  const key = request.session?.apiKey;
  if (!key) return;
  if (key.scope === 'read' && request.method !== 'GET')
    throw new AppError('forbidden', { key: 'errors:messages.apiKeys.readOnly' });
  if (key.orgId && routeOrgId(request) !== key.orgId) {
    throw new AppError('forbidden', { key: 'errors:messages.apiKeys.otherOrg' });
  }
}

export async function resolveSession(ctx: Ctx, request: FastifyRequest): Promise<void> {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && isApiRoute(request)) {
    request.session = await resolveBearer(ctx, request, authorization);
    return;
  }
  const token = request.cookies[cookieNames(ctx.config).session];
  const session = token ? await findSession(ctx, token) : null;
  // Enforcement is evaluated on every request (the requirement is read with the session), so a shortened
  // grace period blocks at the next one.
  if (session && !session.user.twoFactorEnabled) {
    session.requirement ??= await requirementFor(ctx, session.userId);
    session.enrollmentRequired = isOverdue(session.requirement, ctx.clock());
  }
  request.session = session;
}

/**
 * A live session, or 401. While an org's 2FA deadline has passed without enrolment, every route but the
 * enrolment ones answers 403 two_factor_enrollment_required (those pass `{ enrolment: true }`).
 */
export function requireSession(request: FastifyRequest, options: { enrolment?: boolean } = {}): CurrentSession {
  const session = request.session;
  if (!session) throw new AppError('unauthenticated');
  if (session.enrollmentRequired && !options.enrolment) throw new AppError('two_factor_enrollment_required');
  return session;
}

/** Who acts and from where, for a flow (src/flows/acting.ts): the request's live session, or 401. */
export function actingOf(request: FastifyRequest, options: { enrolment?: boolean } = {}): Acting {
  return { session: requireSession(request, options), meta: meta(request) };
}

export function issueSessionCookie(ctx: Ctx, reply: FastifyReply, token: string, remember: boolean): void {
  // A remember-me session gets a persistent cookie; otherwise the cookie ends with the browser.
  setCookie(
    reply,
    ctx.config,
    cookieNames(ctx.config).session,
    token,
    remember ? SESSION.rememberAbsoluteSeconds : null,
  );
}

/** The deployment's request-rate limiter (Redis with the database as fallback, or the database alone). */
function rateLimiter(ctx: Ctx): RateLimiter {
  return ctx.rateLimiter ?? dbRateLimiter(ctx.db);
}

/** Counts a request against a per-IP limit; throws 429 rate_limited with Retry-After when over. */
export async function limitByIp(
  ctx: Ctx,
  request: FastifyRequest,
  name: string,
  rule: { limit: number; windowSeconds: number },
): Promise<void> {
  await limitPerIp(ctx, meta(request), name, rule);
}

/** The browser's id cookie (set when missing, 400 days) and its trusted-device token, for sign-in. */
export function browserTokens(ctx: Ctx, request: FastifyRequest, reply: FastifyReply): BrowserTokens {
  const names = cookieNames(ctx.config);
  let deviceId = request.cookies[names.device];
  if (!deviceId || deviceId.length > 64) {
    deviceId = newDeviceId();
    setCookie(reply, ctx.config, names.device, deviceId, DEVICE_ID.maxAgeSeconds);
  }
  return { deviceId, trustToken: request.cookies[names.trust] };
}
