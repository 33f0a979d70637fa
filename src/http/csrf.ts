/**
 * CSRF defence (docs/security.md; OWASP CSRF cheat sheet), two layers:
 * 1. Origin check: a state-changing request carrying a session/challenge cookie must send an Origin
 *    equal to PUBLIC_URL's origin (docs/api.md). JSON routes only accept application/json, which a
 *    cross-site form cannot send without a CORS preflight.
 * 2. HTML form posts also carry `_csrf`: an HMAC of a random per-browser cookie under a server key
 *    (signed double-submit), so a forged cookie alone does not pass either.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, randomToken } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { cookieNames, setCookie } from './cookies.ts';
import { isApiRoute } from './route.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function formToken(ctx: Ctx, cookieValue: string): string {
  return ctx.keyring.keyedHash('csrf', cookieValue);
}

/** The `_csrf` value for forms on this page; sets the browser's CSRF cookie on first use. */
export function csrfField(ctx: Ctx, request: FastifyRequest, reply: FastifyReply): string {
  const name = cookieNames(ctx.config).csrf;
  let value = request.cookies[name];
  if (!value || value.length < 20 || value.length > 100) {
    value = randomToken(32);
    setCookie(reply, ctx.config, name, value, null);
    request.cookies[name] = value;
  }
  return formToken(ctx, value);
}

function carriesAuthCookie(ctx: Ctx, request: FastifyRequest): boolean {
  const names = cookieNames(ctx.config);
  return Boolean(request.cookies[names.session] || request.cookies[names.challenge]);
}

/** preHandler: refuses cross-site state changes. Bearer-authenticated API calls need neither check. */
export function checkCsrf(ctx: Ctx, request: FastifyRequest): void {
  if (!STATE_CHANGING.has(request.method)) return;
  const isApi = isApiRoute(request);
  if (isApi && typeof request.headers.authorization === 'string' && !carriesAuthCookie(ctx, request)) return;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== ctx.config.publicOrigin) {
    throw new AppError('csrf_failed', { key: 'errors:messages.csrf.originMismatch' });
  }
  if (isApi) {
    if (carriesAuthCookie(ctx, request) && origin === undefined) {
      throw new AppError('csrf_failed', { key: 'errors:messages.csrf.originMissing' });
    }
    return;
  }
  // HTML form posts: the signed double-submit token.
  const cookie = request.cookies[cookieNames(ctx.config).csrf];
  const body = request.body as Record<string, unknown> | undefined;
  const field = body && typeof body._csrf === 'string' ? body._csrf : '';
  // Any key of the keyring: a page rendered just before a key rotation still submits.
  if (
    !cookie ||
    !field ||
    !ctx.keyring.keyedHashes('csrf', cookie).some((expected) => constantTimeEqual(field, expected))
  ) {
    throw new AppError('csrf_failed');
  }
}
