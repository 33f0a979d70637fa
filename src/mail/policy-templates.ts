/** Emails about exceptions to an org's 2FA requirement: to the member and to every owner of the org. */
import { build } from './templates.ts';
import type { OutgoingMail } from './transport.ts';

const utcMinute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

interface About {
  readonly productName: string;
  readonly orgName: string;
  /** The member concerned (the recipient may be them or an owner). */
  readonly memberEmail: string;
  readonly byEmail: string;
  readonly url: string;
}

export const policyTemplates = {
  exemptionGranted(to: string, p: About & { reason: string; expiresAt: string | null }): OutgoingMail {
    const what =
      p.expiresAt === null
        ? `${p.memberEmail} is now the break-glass account of ${p.orgName}: exempt from its two-factor requirement without an end date.`
        : `${p.memberEmail} is exempt from the two-factor requirement of ${p.orgName} until ${utcMinute(p.expiresAt)}. After that the requirement applies again at once.`;
    return build(to, p.productName, {
      subject:
        p.expiresAt === null
          ? `A break-glass account was designated in ${p.orgName}`
          : `A 2FA exemption in ${p.orgName}`,
      paragraphs: [what, `Granted by ${p.byEmail}. Reason: ${p.reason}`],
      link: { label: 'See the compliance view', url: p.url },
    });
  },
  exemptionEnded(to: string, p: About & { breakGlass: boolean }): OutgoingMail {
    return build(to, p.productName, {
      subject: `A 2FA exemption in ${p.orgName} was ended`,
      paragraphs: [
        `${p.memberEmail} is no longer ${p.breakGlass ? 'the break-glass account of' : 'exempt from the two-factor requirement of'} ${p.orgName}; the requirement applies again, with the usual deadline.`,
        `Ended by ${p.byEmail}.`,
      ],
      link: { label: 'See the compliance view', url: p.url },
    });
  },
  deadlineExtended(to: string, p: About & { deadline: string }): OutgoingMail {
    return build(to, p.productName, {
      subject: `A 2FA deadline in ${p.orgName} was extended`,
      paragraphs: [
        `${p.memberEmail} has until ${utcMinute(p.deadline)} to turn on two-factor authentication for ${p.orgName}.`,
        `Extended by ${p.byEmail}.`,
      ],
      link: { label: 'See the compliance view', url: p.url },
    });
  },
};
