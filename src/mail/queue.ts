/**
 * Every email is first written to mail_outbox, then delivered. With the outbox transport the row is the
 * delivery ('stored'). With SMTP a failed attempt stays 'pending' with a doubling retry time until
 * MAIL_QUEUE.maxAttempts, then 'failed' (and audited): a message is never dropped silently.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database, MailOutboxTable } from '../db/schema.ts';
import { preparedWrite } from '../db/prepared.ts';
import { randomId } from '../crypto/index.ts';
import { MAIL_QUEUE } from '../config/defaults.ts';
import { recordAudit } from '../audit/store.ts';
import type { MailTransport, OutgoingMail } from './transport.ts';
import { countMailDelivery } from '../metrics/registry.ts';

export interface MailQueue {
  readonly transportName: string;
  /** Queues and tries once. Resolves to whether the message left (or was stored) right away. */
  send(mail: OutgoingMail, now: Date): Promise<{ delivered: boolean }>;
  /**
   * Queues and tries in the background, without making the caller wait for the mail server: for answers
   * that must take the same time whether an account exists or not (password reset requests).
   */
  enqueue(mail: OutgoingMail, now: Date): Promise<void>;
  /** Retries due messages; returns how many were delivered. */
  retryDue(now: Date): Promise<number>;
  /** Sends messages queued with `sendAfterCommit` inside a transaction that has now committed. */
  sendQueued(queued: readonly QueuedMail[], now: Date): Promise<void>;
}

/** Removes anything that is not the server error's class; the SMTP reply may echo content. */
function describeError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'error';
}

/**
 * Queues mail as pending outbox rows, for writers that queue mail inside their own transaction (a bulk
 * import; `db` is the transaction's): the mail leaves with the transaction's other writes or not at all,
 * and the retry loop delivers it.
 */
export async function queueMailWithin(
  db: Db,
  mails: readonly OutgoingMail[],
  now: Date,
  options: { readonly sendAfterCommit?: boolean } = {},
): Promise<QueuedMail[]> {
  if (mails.length === 0) return [];
  // Sent right after commit (sendQueued): the retry loop leaves the row alone until the first retry is due.
  const firstTry = options.sendAfterCommit ? new Date(now.getTime() + MAIL_QUEUE.firstRetrySeconds * 1000) : now;
  const rows = mails.map((mail) => ({ ...queuedMailRow(mail, now), next_attempt_at: firstTry.toISOString() }));
  await db.kysely.insertInto('mail_outbox').values(rows).execute();
  return rows.map((row, i) => ({ id: row.id, mail: mails[i]! }));
}

/** A message written by queueMailWithin, for sending once its transaction has committed. */
export interface QueuedMail {
  readonly id: string;
  readonly mail: OutgoingMail;
}

function queuedMailRow(mail: OutgoingMail, now: Date): Insertable<MailOutboxTable> & { id: string } {
  return {
    id: randomId(),
    created_at: now.toISOString(),
    channel: 'email',
    recipient: mail.to,
    subject: mail.subject,
    body_text: mail.text,
    body_html: mail.html,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now.toISOString(),
  };
}

/** After every mail that left: compiled once (src/db/prepared.ts). */
const delivered = preparedWrite(
  (db: Kysely<Database>, id: string, status: 'stored' | 'sent', sentAt: string, attempts: number) =>
    db
      .updateTable('mail_outbox')
      .set({ status, sent_at: sentAt, attempts, next_attempt_at: null })
      .where('id', '=', id),
);

export function createMailQueue(db: Db, transport: MailTransport): MailQueue {
  async function attempt(id: string, mail: OutgoingMail, attemptsBefore: number, now: Date): Promise<boolean> {
    try {
      await transport.deliver(mail);
      await delivered(
        db.kysely,
        id,
        transport.name === 'outbox' ? 'stored' : 'sent',
        now.toISOString(),
        attemptsBefore + 1,
      );
      countMailDelivery(transport.name, 'delivered');
      return true;
    } catch (error) {
      const attempts = attemptsBefore + 1;
      const giveUp = attempts >= MAIL_QUEUE.maxAttempts;
      countMailDelivery(transport.name, giveUp ? 'failed' : 'retrying');
      const retryAt = new Date(now.getTime() + MAIL_QUEUE.firstRetrySeconds * 1000 * 2 ** (attempts - 1));
      await db.kysely
        .updateTable('mail_outbox')
        .set({
          status: giveUp ? 'failed' : 'pending',
          attempts,
          last_error: describeError(error),
          next_attempt_at: giveUp ? null : retryAt.toISOString(),
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(db, now, null, {
        event: 'mail.delivery_failed',
        details: { mailId: id, attempts, willRetry: !giveUp, error: describeError(error) },
      });
      return false;
    }
  }

  async function insert(mail: OutgoingMail, now: Date): Promise<string> {
    const row = queuedMailRow(mail, now);
    await db.kysely.insertInto('mail_outbox').values(row).execute();
    return row.id;
  }

  return {
    transportName: transport.name,
    async send(mail, now) {
      const id = await insert(mail, now);
      return { delivered: await attempt(id, mail, 0, now) };
    },
    async enqueue(mail, now) {
      const id = await insert(mail, now);
      // A failure here is already recorded by attempt(); the retry loop picks the message up.
      attempt(id, mail, 0, now).catch(() => {});
    },
    async sendQueued(queued, now) {
      for (const { id, mail } of queued) await attempt(id, mail, 0, now);
    },
    async retryDue(now) {
      const due = await db.kysely
        .selectFrom('mail_outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .where('channel', '=', 'email')
        .where('next_attempt_at', '<=', now.toISOString())
        .orderBy('created_at')
        .limit(50)
        .execute();
      let delivered = 0;
      for (const row of due) {
        // Claim the row first so two instances never send the same message twice.
        const claimed = await db.kysely
          .updateTable('mail_outbox')
          .set({ next_attempt_at: new Date(now.getTime() + MAIL_QUEUE.firstRetrySeconds * 1000).toISOString() })
          .where('id', '=', row.id)
          .where('next_attempt_at', '=', row.next_attempt_at)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) continue;
        const mail = { to: row.recipient, subject: row.subject, text: row.body_text, html: row.body_html ?? '' };
        if (await attempt(row.id, mail, Number(row.attempts), now)) delivered += 1;
      }
      return delivered;
    },
  };
}

export interface OutboxEntry {
  id: string;
  createdAt: string;
  channel: string;
  recipient: string;
  subject: string;
  text: string;
  status: string;
}

export async function listOutbox(db: Db, limit: number): Promise<OutboxEntry[]> {
  const rows = await db.kysely
    .selectFrom('mail_outbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject,
    text: r.body_text,
    status: r.status,
  }));
}
