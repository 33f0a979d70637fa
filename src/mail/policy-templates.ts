/** Emails about exceptions to an org's 2FA requirement: to the member and to every owner of the org. */
import { build, mailTranslator, type Recipient } from './templates.ts';
import type { OutgoingMail } from './transport.ts';

interface About {
  readonly productName: string;
  readonly orgName: string;
  /** The member concerned (the recipient may be them or an owner). */
  readonly memberEmail: string;
  readonly byEmail: string;
  readonly url: string;
}

export const policyTemplates = {
  exemptionGranted(to: Recipient, p: About & { reason: string; expiresAt: string | null }): OutgoingMail {
    const t = mailTranslator(to);
    const names = { memberEmail: p.memberEmail, orgName: p.orgName };
    return build(t, to, p.productName, {
      subject: t(p.expiresAt === null ? 'mail:policy.breakGlassSubject' : 'mail:policy.exemptionSubject', names),
      paragraphs: [
        p.expiresAt === null
          ? t('mail:policy.breakGlass', names)
          : t('mail:policy.exemptUntil', { ...names, when: t.when(p.expiresAt) }),
        t('mail:policy.granted', { byEmail: p.byEmail, reason: p.reason }),
      ],
      link: { label: t('mail:policy.complianceLink'), url: p.url },
    });
  },
  exemptionEnded(to: Recipient, p: About & { breakGlass: boolean }): OutgoingMail {
    const t = mailTranslator(to);
    const names = { memberEmail: p.memberEmail, orgName: p.orgName };
    return build(t, to, p.productName, {
      subject: t('mail:policy.endedSubject', names),
      paragraphs: [
        t(p.breakGlass ? 'mail:policy.breakGlassEnded' : 'mail:policy.exemptionEnded', names),
        t('mail:policy.endedBy', { byEmail: p.byEmail }),
      ],
      link: { label: t('mail:policy.complianceLink'), url: p.url },
    });
  },
  deadlineExtended(to: Recipient, p: About & { deadline: string }): OutgoingMail {
    const t = mailTranslator(to);
    return build(t, to, p.productName, {
      subject: t('mail:policy.extendedSubject', { orgName: p.orgName }),
      paragraphs: [
        t('mail:policy.extended', { memberEmail: p.memberEmail, orgName: p.orgName, when: t.when(p.deadline) }),
        t('mail:policy.extendedBy', { byEmail: p.byEmail }),
      ],
      link: { label: t('mail:policy.complianceLink'), url: p.url },
    });
  },
};
