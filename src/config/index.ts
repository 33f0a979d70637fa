import path from 'node:path';
import { PhoneSettingError, readPhoneConfig, type PhoneConfig } from './phone.ts';
import { DATABASE, DEFAULTS, METRICS, RECOVERY, SHUTDOWN } from './defaults.ts';

/** The resolved process configuration. Built once at start from the environment, then frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** PostgreSQL connections per instance (DATABASE_POOL_SIZE). */
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly publicUrl: string;
  /** Origin of publicUrl, the only Origin accepted on cookie-carrying state changes. */
  readonly publicOrigin: string;
  readonly secure: boolean;
  readonly redisUrl: string | null;
  /** Prefix of every Redis key (REDIS_PREFIX). */
  readonly redisPrefix: string;
  /** Bearer token that opens GET /metrics; null: no /metrics route. */
  readonly metricsToken: string | null;
  /** Webhooks may reach loopback, private and link-local addresses (tests, single-host set-ups). */
  readonly webhookAllowPrivateTargets: boolean;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  /** base64url key material (32 bytes) or null: then a key file in dataDir is used. */
  readonly secretKey: string | null;
  readonly trustProxy: boolean | string | number;
  readonly production: boolean;
  readonly logLevel: string;
  readonly productName: string;
  /** Hours between confirming a recovery link and the removal of the factors (1–72). */
  readonly recoveryDelayHours: number;
  /** The SMS / voice factor: provider, code length, allowed countries (./phone.ts). */
  readonly phone: PhoneConfig;
  /** Seconds between SIGTERM and closing the listener: /readyz fails, requests are still served (0–60). */
  readonly shutdownDrainSeconds: number;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`${setting}: ${detail}`);
  }
}

type Env = Record<string, string | undefined>;

function readPort(env: Env): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return DEFAULTS.port;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError('PORT', `must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return Number(raw);
}

function readUrl(env: Env, name: string, protocols: readonly string[]): URL | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  }
  return url;
}

function readDatabaseUrl(env: Env): string {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return DEFAULTS.databaseUrl;
  if (raw.startsWith('sqlite:')) {
    if (raw.length === 'sqlite:'.length) throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path');
    return raw;
  }
  readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  return raw;
}

function readTrustProxy(env: Env): boolean | string | number {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  // A hop count: trust that many proxies in front of us (Fastify's numeric trustProxy).
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  // A comma-separated list of proxy addresses or CIDR ranges, or a hop count.
  if (/^[0-9a-fA-F:.,/ ]+$/.test(raw)) return raw;
  throw new ConfigError('TRUST_PROXY', 'must be true, false, a hop count or a list of proxy addresses');
}

function readSecretKey(env: Env): string | null {
  const raw = env.TWOFOLD_SECRET_KEY;
  if (raw === undefined || raw === '') return null;
  const bytes = Buffer.from(raw, 'base64url');
  if (bytes.length !== 32 || !/^[A-Za-z0-9_-]+=*$/.test(raw)) {
    throw new ConfigError(
      'TWOFOLD_SECRET_KEY',
      'must be 32 random bytes in base64url (e.g. `openssl rand -base64 32 | tr "+/" "-_"`)',
    );
  }
  return raw;
}

function readRecoveryDelay(env: Env): number {
  const raw = env.RECOVERY_DELAY_HOURS;
  if (raw === undefined || raw === '') return RECOVERY.defaultDelayHours;
  const hours = Number(raw);
  if (!/^\d{1,2}$/.test(raw) || hours < RECOVERY.minDelayHours || hours > RECOVERY.maxDelayHours) {
    throw new ConfigError(
      'RECOVERY_DELAY_HOURS',
      `must be a whole number of hours from ${RECOVERY.minDelayHours} to ${RECOVERY.maxDelayHours}`,
    );
  }
  return hours;
}

function readShutdownDrain(env: Env): number {
  const raw = env.SHUTDOWN_DRAIN_SECONDS;
  if (raw === undefined || raw === '') return SHUTDOWN.defaultDrainSeconds;
  if (!/^\d{1,2}$/.test(raw) || Number(raw) > SHUTDOWN.maxDrainSeconds) {
    throw new ConfigError(
      'SHUTDOWN_DRAIN_SECONDS',
      `must be a whole number of seconds from 0 to ${SHUTDOWN.maxDrainSeconds}`,
    );
  }
  return Number(raw);
}

function readPoolSize(env: Env): number {
  const raw = env.DATABASE_POOL_SIZE;
  if (raw === undefined || raw === '') return DATABASE.poolSize;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > DATABASE.maxPoolSize) {
    throw new ConfigError('DATABASE_POOL_SIZE', `must be a whole number from 1 to ${DATABASE.maxPoolSize}`);
  }
  return Number(raw);
}

function readRedisPrefix(env: Env): string {
  const raw = env.REDIS_PREFIX;
  if (raw === undefined || raw === '') return DEFAULTS.redisPrefix;
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(raw))
    throw new ConfigError('REDIS_PREFIX', 'must be 1–64 letters, digits or : _ . -');
  return raw;
}

function readFlag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(name, 'must be true or false');
}

function readMetricsToken(env: Env): string | null {
  const raw = env.METRICS_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (raw.length < METRICS.minTokenLength || raw.length > METRICS.maxTokenLength || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(
      'METRICS_TOKEN',
      `must be ${METRICS.minTokenLength}–${METRICS.maxTokenLength} printable characters without spaces (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  return raw;
}

function readPhone(env: Env, production: boolean): PhoneConfig {
  try {
    return readPhoneConfig(env, production);
  } catch (error) {
    if (error instanceof PhoneSettingError) throw new ConfigError(error.setting, error.message);
    throw error;
  }
}

/** Reads and validates every setting. Throws ConfigError naming the first bad setting. */
export function resolveConfig(env: Env): Config {
  const port = readPort(env);
  const host = env.HOST || DEFAULTS.host;
  const databaseUrl = readDatabaseUrl(env);
  const publicUrlParsed = readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? new URL(`http://localhost:${port}`);
  if (publicUrlParsed.pathname !== '/' || publicUrlParsed.search !== '') {
    throw new ConfigError('PUBLIC_URL', 'must be an origin without a path (e.g. https://auth.example.com)');
  }
  const redis = readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const smtp = readUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  const nodeEnv = env.NODE_ENV ?? 'development';
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent');
  }
  const dataDir = path.resolve(env.DATA_DIR || DEFAULTS.dataDir);
  const recoveryDelayHours = readRecoveryDelay(env);
  const phone = readPhone(env, nodeEnv === 'production');
  return Object.freeze({
    port,
    host,
    databaseUrl,
    databasePoolSize: readPoolSize(env),
    dataDir,
    publicUrl: publicUrlParsed.origin,
    publicOrigin: publicUrlParsed.origin,
    secure: publicUrlParsed.protocol === 'https:',
    redisUrl: redis?.toString() ?? null,
    redisPrefix: readRedisPrefix(env),
    metricsToken: readMetricsToken(env),
    smtpUrl: smtp?.toString() ?? null,
    mailFrom: env.MAIL_FROM || DEFAULTS.mailFrom,
    secretKey: readSecretKey(env),
    trustProxy: readTrustProxy(env),
    production: nodeEnv === 'production',
    logLevel,
    productName: env.PRODUCT_NAME || DEFAULTS.productName,
    recoveryDelayHours,
    phone,
    shutdownDrainSeconds: readShutdownDrain(env),
    webhookAllowPrivateTargets: readFlag(env, 'WEBHOOK_ALLOW_PRIVATE_TARGETS'),
  });
}
