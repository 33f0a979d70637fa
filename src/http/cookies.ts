/**
 * Cookie names and flags (docs/product.md "Passwords and sessions"): HttpOnly, SameSite=Lax, Path=/;
 * over https also Secure with the __Host- prefix (bound to the exact origin).
 */
import type { FastifyReply } from 'fastify';
import type { Config } from '../config/index.ts';

export interface CookieNames {
  readonly session: string;
  readonly csrf: string;
  readonly challenge: string;
  readonly device: string;
  readonly trust: string;
}

export function cookieNames(config: Config): CookieNames {
  const prefix = config.secure ? '__Host-' : '';
  return {
    session: `${prefix}tf_session`,
    csrf: `${prefix}tf_csrf`,
    challenge: `${prefix}tf_challenge`,
    device: `${prefix}tf_device`,
    trust: `${prefix}tf_trusted`,
  };
}

/** After a detour to set up 2FA during an app's sign-in request, the security pages offer to continue there. */
export const CONTINUE_COOKIE = 'tf_continue';

export function setCookie(
  reply: FastifyReply,
  config: Config,
  name: string,
  value: string,
  maxAgeSeconds: number | null,
): void {
  reply.setCookie(name, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secure,
    ...(maxAgeSeconds === null ? {} : { maxAge: maxAgeSeconds }),
  });
}

export function clearCookie(reply: FastifyReply, config: Config, name: string): void {
  reply.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secure });
}
