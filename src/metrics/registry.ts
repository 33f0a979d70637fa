/**
 * Prometheus metrics of this process. Counters are fed by the audit log (one hook in recordAudit), the mail
 * queue and the rate limiter; request latency by an onResponse hook. Labels hold only bounded values
 * (outcomes, method names, route templates) — never an address, email or secret.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/store.ts';

export const metricsRegistry = new Registry();

const signIns = new Counter({
  name: 'twofold_sign_ins_total',
  help: 'Password sign-ins of known accounts by outcome (succeeded, failed, throttled).',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

const secondFactor = new Counter({
  name: 'twofold_second_factor_total',
  help: 'Second-factor attempts at sign-in by method and outcome (succeeded, failed).',
  labelNames: ['method', 'outcome'] as const,
  registers: [metricsRegistry],
});

const lockouts = new Counter({
  name: 'twofold_lockouts_total',
  help: 'Accounts locked after too many failures, by step (password, second_factor).',
  labelNames: ['step'] as const,
  registers: [metricsRegistry],
});

const mailDeliveries = new Counter({
  name: 'twofold_mail_deliveries_total',
  help: 'Mail delivery attempts by transport and outcome (delivered, retrying, failed).',
  labelNames: ['transport', 'outcome'] as const,
  registers: [metricsRegistry],
});

const rateLimitFallbacks = new Counter({
  name: 'twofold_rate_limit_fallbacks_total',
  help: 'Request-rate limit hits counted in the database because Redis did not answer.',
  registers: [metricsRegistry],
});

const requestDuration = new Histogram({
  name: 'twofold_http_request_duration_seconds',
  help: 'HTTP request latency by method, route template and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  // Prometheus client defaults (5 ms – 10 s): a sign-in is one argon2id hash, about 15–50 ms.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value : fallback;

/** Maps an audit event to the counters it stands for (called once per recorded audit row). */
export function countAuditEvent(entry: AuditEntry): void {
  const details = entry.details ?? {};
  switch (entry.event) {
    case 'sign_in.succeeded':
      signIns.inc({ outcome: 'succeeded' });
      if (details.method !== undefined)
        secondFactor.inc({ method: text(details.method, 'unknown'), outcome: 'succeeded' });
      return;
    case 'sign_in.failed':
      if (details.step === 'second_factor') {
        if (details.purpose === 'sign_in')
          secondFactor.inc({ method: text(details.method, 'unknown'), outcome: 'failed' });
      } else if (details.step === 'passkey') {
        secondFactor.inc({ method: 'passkey', outcome: 'failed' });
      } else {
        signIns.inc({ outcome: details.reason === 'throttled' ? 'throttled' : 'failed' });
      }
      return;
    case 'sign_in.locked':
      lockouts.inc({ step: text(details.step, 'unknown') });
      return;
    default:
      return;
  }
}

export function countMailDelivery(transport: string, outcome: 'delivered' | 'retrying' | 'failed'): void {
  mailDeliveries.inc({ transport, outcome });
}

export function countRateLimitFallback(): void {
  rateLimitFallbacks.inc();
}

/** onResponse hook: latency by route template (unmatched URLs share one label). */
export async function observeRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  requestDuration.observe(
    { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
    reply.elapsedTime / 1000,
  );
}

let processMetrics = false;

/** Adds the standard process metrics (memory, CPU, event-loop lag) once, when /metrics is turned on. */
export function enableProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'twofold_' });
}
