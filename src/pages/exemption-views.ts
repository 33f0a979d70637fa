/** Markup of exemptions, break-glass, extended deadlines and the 2FA check-up on the compliance view. */
import type { ComplianceMember } from '../flows/compliance.ts';
import { html, type Html } from '../core/html.ts';
import type { T } from '../i18n/index.ts';

/** The org's break-glass account, shown above the member list so nobody overlooks it. */
export function breakGlassNotice(t: T, members: readonly ComplianceMember[]): Html | string {
  const holder = members.find((m) => m.exemption?.breakGlass);
  if (!holder) return '';
  return html`<div class="notice notice-info" role="note">${t.html('org:exemption.notice', { email: holder.email, reason: holder.exemption?.reason ?? '' })}</div>`;
}

export function exceptionCell(t: T, m: ComplianceMember): Html | string {
  const parts: Html[] = [];
  const e = m.exemption;
  if (e?.breakGlass) parts.push(html`<span class="badge warn">${t('org:exemption.badgeBreakGlass')}</span>`);
  else if (e?.active)
    parts.push(html`<span class="badge">${t('org:exemption.exemptUntil', { day: t.day(e.expiresAt) })}</span>`);
  else if (e)
    parts.push(html`<span class="muted">${t('org:exemption.exemptionEnded', { day: t.day(e.expiresAt) })}</span>`);
  if (m.extendedDeadline)
    parts.push(
      html`<span class="muted">${t('org:exemption.deadlineExtended', { day: t.day(m.extendedDeadline) })}</span>`,
    );
  if (parts.length === 0) return '—';
  return html`${parts.map((p, i) => html`${i > 0 ? html`<br>` : ''}${p}`)}`;
}

export function exceptionLinks(t: T, orgId: string, m: ComplianceMember): Html {
  const base = `/orgs/${orgId}/members/${m.userId}`;
  return html` <a href="${base}/exemption">${t.html('org:exemption.exemptLink', { email: m.email })}</a>${m.twoFactorEnabled ? '' : html` <a href="${base}/deadline">${t.html('org:exemption.extendLink', { email: m.email })}</a>`}`;
}

/** Who has not done the 2FA check-up that is due (or skipped it for good). */
export function checkupNote(t: T, m: ComplianceMember): Html | string {
  if (m.checkup === 'due') return html`<br><span class="muted">${t('org:exemption.checkupDue')}</span>`;
  if (m.checkup === 'skipped') return html`<br><span class="muted">${t('org:exemption.checkupSkipped')}</span>`;
  return '';
}
