/**
 * GET /metrics in the Prometheus text format. Off unless METRICS_TOKEN is set; then it needs
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). Not part of the JSON API.
 */
import type { FastifyInstance } from 'fastify';
import { constantTimeEqual } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { errorBody } from '../http/error-handler.ts';
import { enableProcessMetrics, metricsRegistry } from './registry.ts';

const BEARER = /^Bearer (\S{1,512})$/;

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const token = app.ctx.config.metricsToken;
  if (!token) return;
  enableProcessMetrics();
  app.get('/metrics', { config: { public: true } }, async (request, reply) => {
    const presented = BEARER.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    if (!constantTimeEqual(presented, token)) {
      reply.header('WWW-Authenticate', 'Bearer');
      return reply.status(401).send(errorBody(new AppError('unauthenticated', { message: 'Send the metrics token as a Bearer token.' })));
    }
    reply.header('Content-Type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
}
