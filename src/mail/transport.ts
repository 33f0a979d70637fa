/**
 * The mailer port and its two real adapters. `outbox` keeps the message in the database only (dev
 * default; /dev/outbox and `twofold outbox` show it). `smtp` sends through nodemailer to SMTP_URL.
 */
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface MailTransport {
  readonly name: 'outbox' | 'smtp';
  /** Delivers the message or throws; the queue retries later. */
  deliver(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function outboxTransport(): MailTransport {
  return { name: 'outbox', async deliver() {}, close() {} };
}

export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl, { from });
  return {
    name: 'smtp',
    async deliver(mail) {
      await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close() {
      transporter.close();
    },
  };
}
