/**
 * Configuration (docs/api.md "Process"): documented defaults, and every bad setting refused with an error that
 * names it — at process level one clear line on stderr and exit code 1.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/index.ts';
import { BUILT_CLI } from '../helpers/process.ts';
import { DEFAULTS, SHUTDOWN } from '../../src/config/defaults.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function configError(env: Record<string, string>): ConfigError {
  try {
    resolveConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('resolveConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = resolveConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBe('sqlite:./data/twofold.db');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.publicOrigin).toBe('http://localhost:3000');
    expect(config.secure).toBe(false);
    expect(config.redisUrl).toBeNull();
    expect(config.smtpUrl).toBeNull();
    expect(config.secretKey).toBeNull();
    expect(config.trustProxy).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.production).toBe(false);
    expect(config.dataDir).toBe(path.resolve(DEFAULTS.dataDir));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('derives PUBLIC_URL from PORT, and https turns on secure cookies', () => {
    expect(resolveConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    const https = resolveConfig({ PUBLIC_URL: 'https://auth.example.test/' });
    expect(https.publicOrigin).toBe('https://auth.example.test');
    expect(https.secure).toBe(true);
  });

  it('accepts good values of every setting', () => {
    const config = resolveConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/twofold',
      PUBLIC_URL: 'https://auth.example.test',
      REDIS_URL: 'redis://cache:6379',
      SMTP_URL: 'smtps://u:p@mail.example.test',
      TWOFOLD_SECRET_KEY: 'A'.repeat(43),
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      trustProxy: '10.0.0.0/8, 127.0.0.1',
      logLevel: 'warn',
      production: true,
    });
    expect(resolveConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(resolveConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('reads DATABASE_POOL_SIZE: 10 by default, 1 to 100 allowed', () => {
    expect(resolveConfig({}).databasePoolSize).toBe(10);
    expect(resolveConfig({ DATABASE_POOL_SIZE: '1' }).databasePoolSize).toBe(1);
    expect(resolveConfig({ DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
    for (const bad of ['0', '101', '-3', '4.5', 'ten'])
      expect(() => resolveConfig({ DATABASE_POOL_SIZE: bad })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('reads SHUTDOWN_DRAIN_SECONDS: 5 by default, 0 to 60 allowed', () => {
    expect(resolveConfig({}).shutdownDrainSeconds).toBe(SHUTDOWN.defaultDrainSeconds);
    expect(SHUTDOWN.defaultDrainSeconds).toBe(5);
    expect(resolveConfig({ SHUTDOWN_DRAIN_SECONDS: '0' }).shutdownDrainSeconds).toBe(0);
    expect(resolveConfig({ SHUTDOWN_DRAIN_SECONDS: '60' }).shutdownDrainSeconds).toBe(60);
  });

  const BAD: Array<[setting: string, value: string]> = [
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PUBLIC_URL', 'ftp://x'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'https://auth.example.test/app'],
    ['PUBLIC_URL', 'https://auth.example.test/?next=1'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'sqlite:'],
    ['TWOFOLD_SECRET_KEY', 'short'],
    ['TWOFOLD_SECRET_KEY', 'A'.repeat(42) + '!'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_URL', 'http://cache'],
    ['SMTP_URL', 'mailto:a@b.test'],
    ['SHUTDOWN_DRAIN_SECONDS', '61'],
    ['SHUTDOWN_DRAIN_SECONDS', '-1'],
    ['SHUTDOWN_DRAIN_SECONDS', '2.5'],
    ['SHUTDOWN_DRAIN_SECONDS', '5s'],
  ];

  it.each(BAD)('refuses %s=%j with a ConfigError naming the setting', (setting, value) => {
    const error = configError({ [setting]: value });
    expect(error.setting).toBe(setting);
    expect(error.message.startsWith(`${setting}:`)).toBe(true);
  });

  it('never echoes the secret key it refuses', () => {
    const key = 'x'.repeat(20) + 'secret-material';
    expect(configError({ TWOFOLD_SECRET_KEY: key }).message).not.toContain(key);
  });
});

describe('the serve command with bad configuration', () => {
  it('exits with code 1 and one line on stderr naming the setting', () => {
    const result = spawnSync(process.execPath, [...BUILT_CLI, 'serve'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
    expect(result.stdout).toBe('');
  });
});
