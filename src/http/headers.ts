/**
 * Security headers on every response (OWASP Secure Headers; ASVS 5.0 §3.4). The CSP allows no inline
 * script: pages load /static/*.js from the same origin only.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/index.ts';
import { matchedRoute } from './route.ts';

const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
];
const CSP = contentSecurityPolicy([]);

/**
 * The policy, with extra form-action sources for the one page whose form ends at another site (the
 * sign-out confirmation of an app, which redirects to the app's registered post-logout address).
 */
export function contentSecurityPolicy(formTargets: readonly string[]): string {
  const origins = [
    ...new Set(
      formTargets.flatMap((uri) => {
        try {
          const url = new URL(uri);
          return /^https?:$/.test(url.protocol) ? [url.origin] : [];
        } catch {
          return [];
        }
      }),
    ),
  ];
  return [...DIRECTIVES, ["form-action 'self'", ...origins].join(' ')].join('; ');
}

export function applySecurityHeaders(config: Config, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('Content-Security-Policy', CSP);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  reply.header('Cross-Origin-Resource-Policy', 'same-origin');
  reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  if (config.secure) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  if (matchedRoute(request) !== '/static/:file') reply.header('Cache-Control', 'no-store');
}

export function securityHeaders(config: Config) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> =>
    applySecurityHeaders(config, request, reply);
}
