/** Starts twofold: reads the configuration once, opens and migrates the database, listens, drains on SIGTERM. */
import { buildApp } from './app.ts';
import { resolveConfig, ConfigError, type Config } from './config/index.ts';
import { MAIL_QUEUE } from './config/defaults.ts';
import { openDatabase, migrate, type Db } from './db/connect.ts';
import { loadKeyring } from './crypto/keyring.ts';
import { systemClock } from './core/clock.ts';
import { createMailQueue } from './mail/queue.ts';
import { outboxTransport, smtpTransport, type MailTransport } from './mail/transport.ts';
import type { AppDeps } from './context.ts';

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
  readonly deps: AppDeps;
  readonly transport: MailTransport;
  close(): Promise<void>;
}

/** Opens everything a command needs (database migrated, keys, mail). */
export async function openRuntime(config: Config): Promise<Runtime> {
  const db: Db = openDatabase(config.databaseUrl);
  await migrate(db);
  const keyring = loadKeyring({ secretKey: config.secretKey, dataDir: config.dataDir });
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : outboxTransport();
  const deps: AppDeps = { db, keyring, clock: systemClock, mail: createMailQueue(db, transport) };
  return {
    deps,
    transport,
    async close() {
      transport.close();
      await db.close();
    },
  };
}

export async function serve(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  const app = await buildApp(config, runtime.deps, {
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    },
  });
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: runtime.deps.db.dialect, mail: runtime.transport.name, publicUrl: config.publicUrl }, 'twofold is ready');

  const retry = setInterval(() => {
    runtime.deps.mail.retryDue(systemClock()).catch((error: unknown) => app.log.warn({ err: error }, 'mail retry failed'));
  }, MAIL_QUEUE.pollSeconds * 1000);
  retry.unref();

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'draining');
    clearInterval(retry);
    await app.close(); // stops accepting, waits for in-flight requests
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
