/** Markup of exemptions, break-glass, extended deadlines and the 2FA check-up on the compliance view. */
import type { ComplianceMember } from '../flows/compliance.ts';
import { html, type Html } from '../core/html.ts';
import { day } from './ui.ts';

/** The org's break-glass account, shown above the member list so nobody overlooks it. */
export function breakGlassNotice(members: readonly ComplianceMember[]): Html | string {
  const holder = members.find((m) => m.exemption?.breakGlass);
  if (!holder) return '';
  return html`<div class="notice notice-info" role="note"><strong>Break-glass account:</strong> ${holder.email} is exempt from the two-factor requirement without an end date (${holder.exemption?.reason ?? ''}). Keep its password offline and check its use in the audit log.</div>`;
}

export function exceptionCell(m: ComplianceMember): Html | string {
  const parts: Html[] = [];
  const e = m.exemption;
  if (e?.breakGlass) parts.push(html`<span class="badge warn">break-glass</span>`);
  else if (e?.active) parts.push(html`<span class="badge">exempt until ${day(e.expiresAt)}</span>`);
  else if (e) parts.push(html`<span class="muted">exemption ended ${day(e.expiresAt)}</span>`);
  if (m.extendedDeadline) parts.push(html`<span class="muted">deadline extended to ${day(m.extendedDeadline)}</span>`);
  if (parts.length === 0) return '—';
  return html`${parts.map((p, i) => html`${i > 0 ? html`<br>` : ''}${p}`)}`;
}

export function exceptionLinks(orgId: string, m: ComplianceMember): Html {
  const base = `/orgs/${orgId}/members/${m.userId}`;
  return html` <a href="${base}/exemption">Exempt…<span class="sr-only"> ${m.email}</span></a>${m.twoFactorEnabled ? '' : html` <a href="${base}/deadline">Extend deadline…<span class="sr-only"> ${m.email}</span></a>`}`;
}

/** Who has not done the 2FA check-up that is due (or skipped it for good). */
export function checkupNote(m: ComplianceMember): Html | string {
  if (m.checkup === 'due') return html`<br><span class="muted">check-up not done</span>`;
  if (m.checkup === 'skipped') return html`<br><span class="muted">check-up skipped</span>`;
  return '';
}
