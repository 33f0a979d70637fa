/**
 * What a request log line may show. Links in emails carry single-use tokens in their query string
 * (e.g. /reset-password?token=…), so a logged URL keeps the parameter names and drops their values
 * (docs/security.md: no secret ever in a log; OWASP Logging Cheat Sheet).
 */
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import { randomUuid } from '../crypto/index.ts';

/** Request ids: 96 random bits, enough to tell requests apart across instances; echoed as X-Request-Id. */
export function newRequestId(): string {
  return randomUuid();
}

export function urlForLog(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const names = url
    .slice(queryAt + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, queryAt)}?${names.join('&')}`;
}

function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: urlForLog(request.url), remoteAddress: request.ip };
}

/** Adds the request serializer to the caller's logger options (false stays false). */
export function loggerOptions(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return { ...base, serializers: { req: requestForLog, ...base.serializers } };
}
