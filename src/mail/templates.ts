/**
 * Email texts: plain text + simple HTML. Links are always built from PUBLIC_URL by the caller.
 * No email carries a password or secret, and only the code emails (`codeTemplates`) carry a code: the code
 * is the point of those. Security notices say how to react if it was not you. Each email is written in its
 * recipient's saved language and time zone (the `mail` catalogue, src/i18n/catalog/{en,es}/mail.ts).
 */
import { html, type Html } from '../core/html.ts';
import { isLocale, translator, validTimeZone, type MessageKey, type T } from '../i18n/index.ts';
import type { OutgoingMail } from './transport.ts';

/**
 * Who an email goes to: the address, and the saved language and time zone (src/i18n) it is written in —
 * English and UTC when none is saved (or the value is not one we know).
 */
export interface Recipient {
  readonly email: string;
  readonly locale: string | null;
  readonly timeZone: string | null;
}

/** A recipient from a users row read with `email, locale, time_zone`. */
export function recipientOf(row: {
  readonly email: string;
  readonly locale: string | null;
  readonly time_zone: string | null;
}): Recipient {
  return { email: row.email, locale: row.locale, timeZone: row.time_zone };
}

/** The translator for someone's saved language and time zone (emails, text messages, calls). */
export function savedTranslator(saved: { readonly locale: string | null; readonly timeZone: string | null }): T {
  return translator(isLocale(saved.locale) ? saved.locale : 'en', validTimeZone(saved.timeZone));
}

/** The translator an email to `to` is written with. */
export function mailTranslator(to: Recipient): T {
  return savedTranslator(to);
}

interface Message {
  subject: string;
  paragraphs: string[];
  link?: { label: string; url: string };
  notYou?: boolean;
}

/** A recovery that a password reset leaves in place (it is never cancelled silently). */
export interface OpenRecoveryNote {
  /** When a started recovery can complete at the earliest; null when only its link was emailed. */
  readonly completesAt: string | null;
  /** RECOVERY.afterPasswordResetSeconds in days. */
  readonly blockDays: number;
}

function recoveryParagraphs(t: T, note: OpenRecoveryNote | null | undefined, when: 'requested' | 'done'): string[] {
  if (!note) return [];
  return [
    note.completesAt
      ? t('mail:openRecovery.started', { when: t.when(note.completesAt) })
      : t('mail:openRecovery.linkEmailed'),
    t(when === 'requested' ? 'mail:openRecovery.requested' : 'mail:openRecovery.done', { days: note.blockDays }),
    t('mail:openRecovery.ifNotYou'),
  ];
}

/** The email itself, in `t`'s language (`lang` on its HTML). */
export function build(t: T, to: Recipient, productName: string, message: Message): OutgoingMail {
  const paragraphs = message.notYou ? [...message.paragraphs, t('mail:notYou')] : message.paragraphs;
  const textParts = [...paragraphs];
  if (message.link) textParts.splice(1, 0, `${message.link.label}: ${message.link.url}`);
  const body: Html = html`<!doctype html><html lang="${t.locale}"><body style="font-family:system-ui,sans-serif;color:#1f2937;max-width:560px">
<h1 style="font-size:18px">${message.subject}</h1>
${paragraphs.map((p, i) => html`<p>${p}</p>${i === 0 && message.link ? html`<p><a href="${message.link.url}">${message.link.label}</a></p>` : ''}`)}
<p style="color:#6b7280;font-size:12px">— ${productName}</p></body></html>`;
  return {
    to: to.email,
    subject: `${message.subject} — ${productName}`,
    text: `${textParts.join('\n\n')}\n\n— ${productName}\n`,
    html: body.value,
  };
}

/** Why a code was emailed: its subject and first line. */
export type EmailCodeReason = 'sign_in' | 'setup' | 'reauthenticate' | 'device_check';

const CODE_TEXTS = {
  sign_in: { subject: 'mail:emailCode.subject.signIn', first: 'mail:emailCode.signIn' },
  setup: { subject: 'mail:emailCode.subject.setup', first: 'mail:emailCode.setup' },
  reauthenticate: { subject: 'mail:emailCode.subject.reauthenticate', first: 'mail:emailCode.reauthenticate' },
  device_check: { subject: 'mail:emailCode.subject.deviceCheck', first: 'mail:emailCode.deviceCheckUnknown' },
} as const satisfies Record<EmailCodeReason, { subject: MessageKey; first: MessageKey }>;

export const codeTemplates = {
  /**
   * A code sent by email (a second factor, or the new-device check). The new-device check's email also tells
   * where the sign-in came from: it stands in for the "new sign-in" notice, so the person gets one email.
   */
  emailCode(
    to: Recipient,
    p: {
      productName: string;
      code: string;
      minutes: number;
      reason: EmailCodeReason;
      device?: { userAgent: string; ip: string; at: string };
    },
  ): OutgoingMail {
    const t = mailTranslator(to);
    const texts = CODE_TEXTS[p.reason];
    const first =
      p.reason === 'device_check' && p.device
        ? t('mail:emailCode.deviceCheck', {
            browser: t.browser(p.device.userAgent),
            ip: p.device.ip,
            when: t.when(p.device.at),
            code: p.code,
          })
        : t(texts.first, { productName: p.productName, code: p.code });
    return build(t, to, p.productName, {
      subject: t(texts.subject),
      paragraphs: [first, t('mail:emailCode.expires', { minutes: p.minutes, productName: p.productName })],
      notYou: true,
    });
  },
};

const ROLE_WORDS = {
  owner: 'mail:roles.owner',
  admin: 'mail:roles.admin',
  staff: 'mail:roles.staff',
  client: 'mail:roles.client',
} as const satisfies Record<string, MessageKey>;

/** A role as a sentence names it; a role we do not know stays as it is. */
function roleWord(t: T, role: string): string {
  return role in ROLE_WORDS ? t(ROLE_WORDS[role as keyof typeof ROLE_WORDS]) : role;
}

export const mailTemplates = {
  /**
   * An invitation goes to someone who may have no account yet: the caller passes the inviter's language
   * (docs/decisions.md "The language of an invitation").
   */
  invitation(
    to: Recipient,
    p: { productName: string; orgName: string; inviterEmail: string; role: string; url: string; expiresAt: string },
  ): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:invitation.subject', { orgName: p.orgName }),
      paragraphs: [
        t('mail:invitation.invited', { inviterEmail: p.inviterEmail, orgName: p.orgName, role: roleWord(t, p.role) }),
        t('mail:invitation.expires', { day: t.day(p.expiresAt) }),
      ],
      link: { label: t('mail:invitation.link'), url: p.url },
    });
  },
  passwordReset(
    to: Recipient,
    p: { productName: string; url: string; recovery?: OpenRecoveryNote | null },
  ): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:passwordReset.subject'),
      paragraphs: [
        t('mail:passwordReset.asked'),
        t('mail:passwordReset.twoFactorStays'),
        ...recoveryParagraphs(t, p.recovery, 'requested'),
        t('mail:passwordReset.ignore'),
      ],
      link: { label: t('mail:passwordReset.link'), url: p.url },
    });
  },
  emailVerification(
    to: Recipient,
    p: { productName: string; url: string; expiresAt: string; requested: boolean },
  ): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:emailVerification.subject'),
      paragraphs: [
        t(p.requested ? 'mail:emailVerification.requested' : 'mail:emailVerification.created', {
          productName: p.productName,
        }),
        t('mail:emailVerification.expires', { day: t.day(p.expiresAt) }),
        t('mail:emailVerification.unknown'),
      ],
      link: { label: t('mail:emailVerification.link'), url: p.url },
    });
  },
  passwordChanged(
    to: Recipient,
    p: { productName: string; how: 'changed' | 'reset'; recovery?: OpenRecoveryNote | null },
  ): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:passwordChanged.subject'),
      paragraphs: [
        t(p.how === 'changed' ? 'mail:passwordChanged.changed' : 'mail:passwordChanged.reset'),
        ...recoveryParagraphs(t, p.recovery, 'done'),
      ],
      notYou: true,
    });
  },
  accountSuspended(to: Recipient, p: { productName: string; byOperator: boolean }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:accountSuspended.subject'),
      paragraphs: [
        t(p.byOperator ? 'mail:accountSuspended.byOperator' : 'mail:accountSuspended.byAdmin'),
        t('mail:accountSuspended.mistake'),
      ],
    });
  },
  accountReactivated(to: Recipient, p: { productName: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:accountReactivated.subject'),
      paragraphs: [t('mail:accountReactivated.body')],
      notYou: true,
    });
  },
  passwordLocked(to: Recipient, p: { productName: string; minutes: number }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:passwordLocked.subject'),
      paragraphs: [t('mail:passwordLocked.body', { minutes: p.minutes }), t('mail:passwordLocked.reset')],
      notYou: true,
    });
  },
};

const FACTOR_WORDS = {
  totp: 'mail:factors.totp',
  passkey: 'mail:factors.passkey',
  'backup-codes': 'mail:factors.backupCodes',
  email: 'mail:factors.email',
  phone: 'mail:factors.phone',
} as const satisfies Record<string, MessageKey>;

/** A method added or removed, as a sentence names it: "An authenticator app ("Phone")". */
export interface FactorNamed {
  /** The factor's id (src/factors). */
  readonly type: string;
  readonly label: string;
}

/**
 * Names the product gives a method by itself (src/factors/{email,totp,passkey}/setup.ts), stored in English: in
 * another language the kind already says it, so they are left out rather than quoted in English.
 */
const DEFAULT_LABELS: Readonly<Record<string, string>> = {
  email: 'Email codes',
  totp: 'Authenticator app',
  passkey: 'Passkey',
};

function factorWords(t: T, what: FactorNamed): string {
  const kind = t(
    what.type in FACTOR_WORDS ? FACTOR_WORDS[what.type as keyof typeof FACTOR_WORDS] : 'mail:factors.other',
  );
  if (!what.label || (t.locale !== 'en' && DEFAULT_LABELS[what.type] === what.label)) return kind;
  return `${kind} ("${what.label}")`;
}

export const securityTemplates = {
  factorAdded(to: Recipient, p: { productName: string; what: FactorNamed }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:factorAdded.subject'),
      paragraphs: [t('mail:factorAdded.body', { what: factorWords(t, p.what) })],
      notYou: true,
    });
  },
  phoneChanged(to: Recipient, p: { productName: string; oldNumber: string; newNumber: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:phoneChanged.subject'),
      paragraphs: [t('mail:phoneChanged.body', { newNumber: p.newNumber, oldNumber: p.oldNumber })],
      notYou: true,
    });
  },
  factorRemoved(to: Recipient, p: { productName: string; what: FactorNamed }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:factorRemoved.subject'),
      paragraphs: [t('mail:factorRemoved.body', { what: factorWords(t, p.what) })],
      notYou: true,
    });
  },
  twoFactorDisabled(to: Recipient, p: { productName: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:twoFactorDisabled.subject'),
      paragraphs: [t('mail:twoFactorDisabled.body')],
      notYou: true,
    });
  },
  webhookDisabled(to: Recipient, p: { productName: string; orgName: string; url: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:webhookDisabled.subject', { orgName: p.orgName }),
      paragraphs: [t('mail:webhookDisabled.body', { url: p.url }), t('mail:webhookDisabled.fix')],
    });
  },
  twoFactorReset(to: Recipient, p: { productName: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:twoFactorReset.subject'),
      paragraphs: [t('mail:twoFactorReset.body'), t('mail:twoFactorReset.again')],
      notYou: true,
    });
  },
  pleaseEnable2fa(
    to: Recipient,
    p: { productName: string; orgName: string; deadline: string | null; url: string },
  ): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:pleaseEnable2fa.subject', { orgName: p.orgName }),
      paragraphs: [
        t('mail:pleaseEnable2fa.why', { orgName: p.orgName }),
        t('mail:pleaseEnable2fa.how'),
        ...(p.deadline ? [t('mail:pleaseEnable2fa.deadline', { day: t.day(p.deadline) })] : []),
      ],
      link: { label: t('mail:pleaseEnable2fa.link'), url: p.url },
    });
  },
  backupCodeUsed(to: Recipient, p: { productName: string; left: number }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:backupCodeUsed.subject'),
      paragraphs: [
        t('mail:backupCodeUsed.body', { count: p.left }),
        ...(p.left <= 3 ? [t('mail:backupCodeUsed.low')] : []),
      ],
      notYou: true,
    });
  },
  backupCodesRegenerated(to: Recipient, p: { productName: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:backupCodesRegenerated.subject'),
      paragraphs: [t('mail:backupCodesRegenerated.body')],
      notYou: true,
    });
  },
  newSignIn(to: Recipient, p: { productName: string; userAgent: string; ip: string; at: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:newSignIn.subject'),
      paragraphs: [t('mail:newSignIn.body', { browser: t.browser(p.userAgent), ip: p.ip, when: t.when(p.at) })],
      notYou: true,
    });
  },
  passkeyCounterRegression(to: Recipient, p: { productName: string; label: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:passkeyCounterRegression.subject'),
      paragraphs: [
        t('mail:passkeyCounterRegression.body', { label: p.label }),
        t('mail:passkeyCounterRegression.advice'),
      ],
      notYou: true,
    });
  },
  secondFactorLocked(to: Recipient, p: { productName: string; minutes: number }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:secondFactorLocked.subject'),
      paragraphs: [t('mail:secondFactorLocked.body', { minutes: p.minutes }), t('mail:secondFactorLocked.advice')],
      notYou: true,
    });
  },
};

export const recoveryTemplates = {
  link(to: Recipient, p: { productName: string; url: string; delayHours: number }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:recoveryLink.subject'),
      paragraphs: [
        t('mail:recoveryLink.asked'),
        t('mail:recoveryLink.delay', { hours: p.delayHours }),
        t('mail:recoveryLink.cancel'),
        t('mail:recoveryLink.ignore'),
      ],
      link: { label: t('mail:recoveryLink.link'), url: p.url },
    });
  },
  started(to: Recipient, p: { productName: string; completesAt: string; cancelUrl: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:recoveryStarted.subject'),
      paragraphs: [t('mail:recoveryStarted.body', { when: t.when(p.completesAt) }), t('mail:recoveryStarted.ifNotYou')],
      link: { label: t('mail:recoveryStarted.link'), url: p.cancelUrl },
    });
  },
  completed(to: Recipient, p: { productName: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:recoveryCompleted.subject'),
      paragraphs: [t('mail:recoveryCompleted.body'), t('mail:recoveryCompleted.again')],
      notYou: true,
    });
  },
};
