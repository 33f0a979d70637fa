/**
 * Email texts: plain text + simple HTML. Links are always built from PUBLIC_URL by the caller.
 * No email carries a password or secret, and only the code emails (`codeTemplates`) carry a code: the code
 * is the point of those. Security notices say how to react if it was not you.
 */
import { html, type Html } from '../core/html.ts';
import type { OutgoingMail } from './transport.ts';

interface Message {
  subject: string;
  paragraphs: string[];
  link?: { label: string; url: string };
  notYou?: boolean;
}

const NOT_YOU = 'If this was not you, change your password now and contact your organization administrator.';

/** "2026-11-24 12:00 UTC". */
const utcMinute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** A recovery that a password reset leaves in place (it is never cancelled silently). */
export interface OpenRecoveryNote {
  /** When a started recovery can complete at the earliest; null when only its link was emailed. */
  readonly completesAt: string | null;
  /** RECOVERY.afterPasswordResetSeconds in days. */
  readonly blockDays: number;
}

function recoveryParagraphs(note: OpenRecoveryNote | null | undefined, when: 'requested' | 'done'): string[] {
  if (!note) return [];
  const what = note.completesAt
    ? `Someone started recovery of your account: it would remove your two-factor methods on ${utcMinute(note.completesAt)}.`
    : 'Someone asked for a recovery link for your account, which would remove your two-factor methods.';
  const effect =
    when === 'requested'
      ? `Resetting your password does not cancel it. No recovery can start or complete within ${note.blockDays} days after a password reset by email.`
      : `It was not cancelled: after this reset no recovery can start or complete for ${note.blockDays} days, and then only if it is not cancelled.`;
  return [
    what,
    effect,
    'If you did not start it, sign in with one of your two-factor methods (that cancels it) or use the cancel link we sent when it started.',
  ];
}

export function build(to: string, productName: string, message: Message): OutgoingMail {
  const paragraphs = message.notYou ? [...message.paragraphs, NOT_YOU] : message.paragraphs;
  const textParts = [...paragraphs];
  if (message.link) textParts.splice(1, 0, `${message.link.label}: ${message.link.url}`);
  const body: Html = html`<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2937;max-width:560px">
<h1 style="font-size:18px">${message.subject}</h1>
${paragraphs.map((p, i) => html`<p>${p}</p>${i === 0 && message.link ? html`<p><a href="${message.link.url}">${message.link.label}</a></p>` : ''}`)}
<p style="color:#6b7280;font-size:12px">— ${productName}</p></body></html>`;
  return {
    to,
    subject: `${message.subject} — ${productName}`,
    text: `${textParts.join('\n\n')}\n\n— ${productName}\n`,
    html: body.value,
  };
}

/** Why a code was emailed: its subject and first line. */
export type EmailCodeReason = 'sign_in' | 'setup' | 'reauthenticate' | 'device_check';

const CODE_SUBJECTS: Record<EmailCodeReason, string> = {
  sign_in: 'Your sign-in code',
  setup: 'Confirm email codes for your account',
  reauthenticate: 'Your confirmation code',
  device_check: 'Confirm a sign-in from a new device',
};

export const codeTemplates = {
  /**
   * A code sent by email (a second factor, or the new-device check). The new-device check's email also tells
   * where the sign-in came from: it stands in for the "new sign-in" notice, so the person gets one email.
   */
  emailCode(
    to: string,
    p: {
      productName: string;
      code: string;
      minutes: number;
      reason: EmailCodeReason;
      device?: { browser: string; ip: string; at: string };
    },
  ): OutgoingMail {
    const first: Record<EmailCodeReason, string> = {
      sign_in: `Your ${p.productName} sign-in code is ${p.code}.`,
      setup: `Your code to turn on email codes is ${p.code}.`,
      reauthenticate: `Your ${p.productName} confirmation code is ${p.code}.`,
      device_check: `Your account is being signed in to from a device we had not seen before${p.device ? `: ${p.device.browser}, IP address ${p.device.ip}, at ${utcMinute(p.device.at)}` : ''}. To finish signing in, enter this code: ${p.code}.`,
    };
    return build(to, p.productName, {
      subject: CODE_SUBJECTS[p.reason],
      paragraphs: [
        first[p.reason],
        `The code works once and expires in ${p.minutes} minutes. Don't share it with anyone: ${p.productName} never asks for it by phone or email.`,
      ],
      notYou: true,
    });
  },
};

export const mailTemplates = {
  invitation(
    to: string,
    p: { productName: string; orgName: string; inviterEmail: string; role: string; url: string; expiresAt: string },
  ): OutgoingMail {
    return build(to, p.productName, {
      subject: `You're invited to ${p.orgName}`,
      paragraphs: [
        `${p.inviterEmail} invited you to join ${p.orgName} as ${p.role}.`,
        `The invitation works once and expires on ${p.expiresAt.slice(0, 10)}.`,
      ],
      link: { label: 'Accept the invitation', url: p.url },
    });
  },
  passwordReset(to: string, p: { productName: string; url: string; recovery?: OpenRecoveryNote | null }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Reset your password',
      paragraphs: [
        'Someone asked to reset the password of your account. The link works once, for one hour.',
        'Resetting your password does not turn off two-factor authentication.',
        ...recoveryParagraphs(p.recovery, 'requested'),
        'If you did not ask for this, ignore this email: your password stays as it is.',
      ],
      link: { label: 'Choose a new password', url: p.url },
    });
  },
  emailVerification(
    to: string,
    p: { productName: string; url: string; expiresAt: string; requested: boolean },
  ): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Confirm your email address',
      paragraphs: [
        p.requested
          ? `You asked to confirm the email address of your ${p.productName} account. Open the link and press the button.`
          : `An account on ${p.productName} was created for this email address. Open the link and press the button to confirm it is yours: apps you sign in to may ask for a confirmed address.`,
        `The link works once and expires on ${p.expiresAt.slice(0, 10)}.`,
        'If you do not know this account, ignore this email.',
      ],
      link: { label: 'Confirm your email address', url: p.url },
    });
  },
  passwordChanged(
    to: string,
    p: { productName: string; how: 'changed' | 'reset'; recovery?: OpenRecoveryNote | null },
  ): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Your password was changed',
      paragraphs: [
        `The password of your account was ${p.how}. Other signed-in sessions were signed out.`,
        ...recoveryParagraphs(p.recovery, 'done'),
      ],
      notYou: true,
    });
  },
  accountSuspended(to: string, p: { productName: string; byOperator: boolean }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Your account was suspended',
      paragraphs: [
        `${p.byOperator ? 'The server operator' : 'An administrator of your organization'} suspended your account: you were signed out everywhere, and signing in, API keys and apps that sign you in stop working until it is reactivated.`,
        'If you think this is a mistake, contact your organization administrator.',
      ],
    });
  },
  accountReactivated(to: string, p: { productName: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Your account was reactivated',
      paragraphs: ['Your account is active again: you can sign in as before.'],
      notYou: true,
    });
  },
  passwordLocked(to: string, p: { productName: string; minutes: number }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Sign-in paused after failed attempts',
      paragraphs: [
        `There were too many wrong passwords for your account, so password sign-in is paused for ${p.minutes} minutes.`,
        'You can still reset your password by email.',
      ],
      notYou: true,
    });
  },
};

export const securityTemplates = {
  factorAdded(to: string, p: { productName: string; what: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'A sign-in method was added',
      paragraphs: [`${p.what} was added to your account as a second sign-in step.`],
      notYou: true,
    });
  },
  phoneChanged(to: string, p: { productName: string; oldNumber: string; newNumber: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Your phone number for codes was changed',
      paragraphs: [`Sign-in codes now go to ${p.newNumber} instead of ${p.oldNumber}.`],
      notYou: true,
    });
  },
  factorRemoved(to: string, p: { productName: string; what: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'A sign-in method was removed',
      paragraphs: [`${p.what} was removed from your account.`],
      notYou: true,
    });
  },
  twoFactorDisabled(to: string, p: { productName: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Two-factor authentication was turned off',
      paragraphs: ['Two-factor authentication is now off for your account. Trusted devices were forgotten.'],
      notYou: true,
    });
  },
  webhookDisabled(to: string, p: { productName: string; orgName: string; url: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: `A webhook of ${p.orgName} was turned off`,
      paragraphs: [
        `The webhook endpoint ${p.url} failed every delivery attempt for its last messages over about a day, so it was turned off.`,
        'Check that the endpoint is up and answers 2xx, then turn it back on under Organization → Webhooks; failed messages can be sent again from its delivery log.',
      ],
    });
  },
  twoFactorReset(to: string, p: { productName: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Your two-factor authentication was reset',
      paragraphs: [
        'An administrator reset two-factor authentication on your account: your sign-in methods, backup codes and trusted browsers were removed and you were signed out everywhere.',
        'Sign in again to set up a new method.',
      ],
      notYou: true,
    });
  },
  pleaseEnable2fa(
    to: string,
    p: { productName: string; orgName: string; deadline: string | null; url: string },
  ): OutgoingMail {
    return build(to, p.productName, {
      subject: `${p.orgName} asks you to turn on two-factor authentication`,
      paragraphs: [
        `${p.orgName} protects its accounts with two-factor authentication: after your password, you confirm it's you with a code from an authenticator app on your phone. A stolen password alone is then not enough to get in.`,
        'Setting it up takes about two minutes: open the link, scan the QR code with an authenticator app (Google Authenticator, Authy, 1Password, Microsoft Authenticator…) and save your backup codes.',
        ...(p.deadline
          ? [
              `Please set it up before ${p.deadline.slice(0, 10)}: after that date you will be asked to set it up before you can continue.`,
            ]
          : []),
      ],
      link: { label: 'Set up two-factor authentication', url: p.url },
    });
  },
  backupCodeUsed(to: string, p: { productName: string; left: number }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'A backup code was used',
      paragraphs: [
        `A backup code was used to sign in to your account. ${p.left} unused backup code${p.left === 1 ? '' : 's'} left.`,
        ...(p.left <= 3 ? ['You are running low: generate a new set from Profile → Security.'] : []),
      ],
      notYou: true,
    });
  },
  backupCodesRegenerated(to: string, p: { productName: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'New backup codes were generated',
      paragraphs: ['A new set of backup codes was generated. The old codes no longer work.'],
      notYou: true,
    });
  },
  newSignIn(to: string, p: { productName: string; browser: string; ip: string; at: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'New sign-in to your account',
      paragraphs: [
        `Your account was signed in to from a device we had not seen before: ${p.browser}, IP address ${p.ip}, at ${p.at.replace('T', ' ').slice(0, 16)} UTC.`,
      ],
      notYou: true,
    });
  },
  passkeyCounterRegression(to: string, p: { productName: string; label: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Possible cloned passkey',
      paragraphs: [
        `A sign-in with your passkey "${p.label}" was refused: the passkey reported a use count lower than one we saw before, which can mean it was copied.`,
        'If you did not try to sign in just now, remove this passkey in Profile → Security, add a new one, and change your password.',
      ],
      notYou: true,
    });
  },
  secondFactorLocked(to: string, p: { productName: string; minutes: number }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Two-factor sign-in paused after failed attempts',
      paragraphs: [
        `There were too many wrong two-factor codes for your account, so the second sign-in step is paused for ${p.minutes} minutes.`,
        'Someone who tries this already knows your password: change it now.',
      ],
      notYou: true,
    });
  },
};

export const recoveryTemplates = {
  link(to: string, p: { productName: string; url: string; delayHours: number }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Recover access to your account',
      paragraphs: [
        'You asked to recover your account because you cannot use your two-factor methods. The link works once, for one hour.',
        `For your security, recovery completes ${p.delayHours} hours after you open the link. We will tell this address and your phone numbers at once, so that the real owner can cancel it.`,
        'Until it completes you can cancel it: with the cancel link we send when it starts, by signing in with any of your two-factor methods, or with "Cancel recovery" on any page while signed in.',
        'If you did not ask for this, ignore this email and change your password: someone knows it.',
      ],
      link: { label: 'Start account recovery', url: p.url },
    });
  },
  started(to: string, p: { productName: string; completesAt: string; cancelUrl: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Someone started recovery of your account',
      paragraphs: [
        `Account recovery was started. On ${utcMinute(p.completesAt)}, the next sign-in with your password will remove your two-factor methods.`,
        'If this was not you, cancel it now and change your password. Signing in with one of your two-factor methods also cancels it, and so does "Cancel recovery" on any page while signed in.',
      ],
      link: { label: 'Cancel the recovery', url: p.cancelUrl },
    });
  },
  completed(to: string, p: { productName: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: 'Your account was recovered',
      paragraphs: [
        'Account recovery completed: your two-factor methods, backup codes and trusted browsers were removed and your other sessions were signed out.',
        'Set up two-factor authentication again from Profile → Security.',
      ],
      notYou: true,
    });
  },
};
