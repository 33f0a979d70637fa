/**
 * GET /metrics in the Prometheus text format. Off unless METRICS_TOKEN is set; then it needs
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). Not part of the JSON API.
 * Wrong tokens count against a per-IP limit (a bearer secret from an anonymous caller); scrapes with the
 * right token are never counted.
 */
import type { FastifyInstance } from 'fastify';
import { METRICS } from '../config/defaults.ts';
import { constantTimeEqual } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { errorBody } from '../http/error-handler.ts';
import { dbRateLimiter } from '../throttle/rate-limiter.ts';
import { enableProcessMetrics, metricsRegistry } from './registry.ts';

const BEARER = /^Bearer (\S{1,512})$/;

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const token = app.ctx.config.metricsToken;
  if (!token) return;
  enableProcessMetrics();
  app.get('/metrics', { config: { public: true } }, async (request, reply) => {
    const presented = BEARER.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    if (!constantTimeEqual(presented, token)) {
      const rule = METRICS.failuresPerIp;
      const limit = await (app.ctx.rateLimiter ?? dbRateLimiter(app.ctx.db)).hit(
        `ip:metrics-fail:${request.ip}`,
        rule.limit,
        rule.windowSeconds,
        app.ctx.clock(),
      );
      if (!limit.allowed) {
        reply.header('Retry-After', String(limit.retryAfterSeconds));
        return reply.status(429).send(errorBody(new AppError('rate_limited')));
      }
      reply.header('WWW-Authenticate', 'Bearer');
      return reply
        .status(401)
        .send(errorBody(new AppError('unauthenticated', { key: 'errors:messages.service.metricsToken' })));
    }
    reply.header('Content-Type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
}
