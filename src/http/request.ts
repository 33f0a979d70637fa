/** Request decorations shared by every route: metadata for audit, the session, guards. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestMeta } from '../audit/store.ts';
import type { CurrentSession } from '../sessions/service.ts';
import { hasRecentReauth, findSession } from '../sessions/service.ts';
import { hitRateLimit } from '../throttle/store.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { cookieNames, setCookie } from './cookies.ts';
import { DEVICE_ID, SESSION } from '../config/defaults.ts';
import { newDeviceId } from '../sessions/devices.ts';
import type { BrowserTokens } from '../sessions/sign-in.ts';

declare module 'fastify' {
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

export async function resolveSession(ctx: Ctx, request: FastifyRequest): Promise<void> {
  const token = request.cookies[cookieNames(ctx.config).session];
  request.session = token ? await findSession(ctx, token) : null;
}

/** A full session, or 401. An enrolment-limited session (later issues) does not pass. */
export function requireSession(request: FastifyRequest): CurrentSession {
  const session = request.session;
  if (!session) throw new AppError('unauthenticated');
  if (session.kind !== 'full') throw new AppError('two_factor_enrollment_required');
  return session;
}

/** The sudo guard: a re-authentication within the last 10 minutes (PRODUCT.md "Sudo"). */
export function requireSudo(ctx: Ctx, request: FastifyRequest): CurrentSession {
  const session = requireSession(request);
  if (!hasRecentReauth(ctx, session)) throw new AppError('reauthentication_required');
  return session;
}

export function issueSessionCookie(ctx: Ctx, reply: FastifyReply, token: string, remember: boolean): void {
  // A remember-me session gets a persistent cookie; otherwise the cookie ends with the browser.
  setCookie(reply, ctx.config, cookieNames(ctx.config).session, token, remember ? SESSION.rememberAbsoluteSeconds : null);
}

/** Counts a request against a per-IP limit; throws 429 rate_limited with Retry-After when over. */
export async function limitByIp(ctx: Ctx, request: FastifyRequest, name: string, rule: { limit: number; windowSeconds: number }): Promise<void> {
  const result = await hitRateLimit(ctx.db, `ip:${name}:${request.ip}`, rule.limit, rule.windowSeconds, ctx.clock());
  if (!result.allowed) throw new AppError('rate_limited', { retryAfterSeconds: result.retryAfterSeconds });
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
