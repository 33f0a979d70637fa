/** What every service needs: configuration and the ports (database, keys, clock, mail), passed in. */
import type { Config } from './config/index.ts';
import type { Db } from './db/connect.ts';
import type { Keyring } from './crypto/keyring.ts';
import type { Clock } from './core/clock.ts';
import type { MailQueue } from './mail/queue.ts';
import type { RequestMeta } from './audit/store.ts';
import { recordAudit, type AuditEntry } from './audit/store.ts';

export interface AppDeps {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly mail: MailQueue;
}

export interface Ctx extends AppDeps {
  readonly config: Config;
}

export function audit(ctx: Ctx, meta: RequestMeta | null, entry: AuditEntry): Promise<void> {
  return recordAudit(ctx.db, ctx.clock(), meta, entry);
}

export function link(ctx: Ctx, pathAndQuery: string): string {
  return new URL(pathAndQuery, ctx.config.publicUrl).toString();
}
