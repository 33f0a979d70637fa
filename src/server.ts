/** Starts twofold: reads the configuration once, opens and migrates the database, listens, drains on SIGTERM. */
import { buildApp } from './app.ts';
import { pruneExpired } from './maintenance.ts';
import { resolveConfig, ConfigError, type Config } from './config/index.ts';
import { BACKCHANNEL_LOGOUT, WEBHOOKS, MAIL_QUEUE, MAINTENANCE, SHUTDOWN } from './config/defaults.ts';
import { openDatabase, migrate, type Db } from './db/connect.ts';
import { loadKeyring } from './crypto/keyring.ts';
import { systemClock } from './core/clock.ts';
import { createMailQueue } from './mail/queue.ts';
import { outboxTransport, smtpTransport, type MailTransport } from './mail/transport.ts';
import type { AppDeps, Ctx } from './context.ts';
import type { EventBus } from './events/bus.ts';
import { dbRateLimiter, withFallback, type RateLimiter } from './throttle/rate-limiter.ts';
import { logRedisState, openRedis, redisRateLimiter } from './throttle/redis.ts';
import { countRateLimitFallback } from './metrics/registry.ts';
import type { Redis } from 'ioredis';
import { composeEvents } from './compose.ts';
import { deliverDueWebhooks } from './webhooks/deliver.ts';
import { deliverDueLogouts } from './oidc/backchannel.ts';

export function configOrExit(env: NodeJS.ProcessEnv): Config {
  try {
    return resolveConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`twofold: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export interface Runtime {
  readonly deps: AppDeps & { readonly rateLimiter: RateLimiter; readonly events: EventBus<Ctx> };
  readonly transport: MailTransport;
  /** The Redis client behind the rate limits, when REDIS_URL is set. */
  readonly redis: Redis | null;
  close(): Promise<void>;
}

/** Request-rate limits: in Redis when configured, with the database as the fallback; else in the database. */
function openRateLimiter(config: Config, db: Db): { rateLimiter: RateLimiter; redis: Redis | null } {
  if (!config.redisUrl) return { rateLimiter: dbRateLimiter(db), redis: null };
  const redis = openRedis(config.redisUrl);
  const rateLimiter = withFallback(
    redisRateLimiter(redis, config.redisPrefix),
    dbRateLimiter(db),
    countRateLimitFallback,
  );
  return { rateLimiter, redis };
}

/** Opens everything a command needs (database migrated, keys, mail). */
export async function openRuntime(config: Config): Promise<Runtime> {
  const db: Db = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  await migrate(db);
  const keyring = loadKeyring({ secretKey: config.secretKey, dataDir: config.dataDir });
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : outboxTransport();
  const { rateLimiter, redis } = openRateLimiter(config, db);
  const deps = {
    db,
    keyring,
    clock: systemClock,
    mail: createMailQueue(db, transport),
    rateLimiter,
    events: composeEvents(),
  };
  return {
    deps,
    transport,
    redis,
    async close() {
      transport.close();
      await rateLimiter.close();
      await db.close();
    },
  };
}

export async function serve(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  const lifecycle = { draining: false };
  const app = await buildApp(config, runtime.deps, {
    logger: {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
    lifecycle,
  });
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      database: runtime.deps.db.dialect,
      rateLimits: runtime.deps.rateLimiter.store,
      mail: runtime.transport.name,
      publicUrl: config.publicUrl,
    },
    'twofold is ready',
  );
  if (runtime.redis) logRedisState(runtime.redis, app.log);

  const retry = setInterval(() => {
    runtime.deps.mail
      .retryDue(systemClock())
      .catch((error: unknown) => app.log.warn({ err: error }, 'mail retry failed'));
  }, MAIL_QUEUE.pollSeconds * 1000);
  retry.unref();
  const prune = setInterval(() => {
    pruneExpired({ ...runtime.deps, config }).catch((error: unknown) => app.log.warn({ err: error }, 'pruning failed'));
  }, MAINTENANCE.pruneEverySeconds * 1000);
  prune.unref();
  // Webhook messages left in the outbox (a failed attempt's retry, or one queued on a stopped instance).
  const webhooks = setInterval(() => {
    deliverDueWebhooks(app.ctx).catch((error: unknown) => app.log.warn({ err: error }, 'webhook delivery failed'));
  }, WEBHOOKS.pollSeconds * 1000);
  webhooks.unref();
  // Back-channel logout notifications left in the outbox (a retry, or one queued on a stopped instance).
  const logouts = setInterval(() => {
    deliverDueLogouts(app.ctx).catch((error: unknown) => app.log.warn({ err: error }, 'back-channel logout failed'));
  }, BACKCHANNEL_LOGOUT.pollSeconds * 1000);
  logouts.unref();

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Readiness fails at once while requests are still served (each answer with `Connection: close`), so the
    // load balancer moves away before a kept-alive connection is closed under a request it just sent. An
    // interactive SIGINT skips the wait.
    lifecycle.draining = true;
    const drainSeconds = signal === 'SIGTERM' ? config.shutdownDrainSeconds : 0;
    app.log.info({ signal, drainSeconds }, 'draining');
    clearInterval(retry);
    clearInterval(prune);
    clearInterval(webhooks);
    clearInterval(logouts);
    await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
    // Stops accepting and waits for in-flight requests. A keep-alive connection whose request ends after
    // this point would stay open until its idle timeout: close such connections as they go idle, and cut
    // whatever is left at the deadline.
    app.log.info({ signal }, 'closing');
    const sweep = setInterval(() => app.server.closeIdleConnections(), SHUTDOWN.idleSweepMs);
    const deadline = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN.inFlightSeconds * 1000);
    await app.close();
    clearInterval(sweep);
    clearTimeout(deadline);
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
