/** Markup for org security: the policy form, the compliance table, the adoption chart (server SVG). */
import type { OrgPolicy } from '../orgs/policy.ts';
import type { AdoptionPoint } from '../orgs/compliance.ts';
import type { ComplianceMember } from '../flows/compliance.ts';
import { html, type Html } from '../core/html.ts';
import { describeMethod, ENROLLABLE_METHODS, factorName, type SecondFactorMethod } from '../factors/index.ts';
import { translator, type MessageKey, type T } from '../i18n/index.ts';
import { checkupNote, exceptionCell, exceptionLinks } from './exemption-views.ts';
import { roleLabel } from './ui.ts';

export type PolicyFormValues = OrgPolicy;

const REQUIREMENTS: Array<[OrgPolicy['requireTwoFactor'], MessageKey, MessageKey]> = [
  ['off', 'org:policy.requirements.off', 'org:policy.requirements.offHint'],
  ['staff', 'org:policy.requirements.staff', 'org:policy.requirements.staffHint'],
  ['everyone', 'org:policy.requirements.everyone', 'org:policy.requirements.everyoneHint'],
];
const EMAIL_CODES: Array<[OrgPolicy['emailCodes'], MessageKey]> = [
  ['off', 'org:policy.choices.off'],
  ['clients', 'org:policy.choices.clientsOnly'],
  ['everyone', 'org:policy.choices.everyone'],
];
const DEVICE_CHECK: Array<[OrgPolicy['newDeviceCheck'], MessageKey]> = [
  ['off', 'org:policy.choices.off'],
  ['staff', 'org:policy.choices.staff'],
  ['everyone', 'org:policy.choices.everyone'],
];
/** A method's name in the policy's list, in the reader's language. */
function methodLabel(t: T, method: SecondFactorMethod): string {
  return t(describeMethod(method).policyLabel.key);
}
/** A factor's name in the compliance table (factor ids: totp, passkey, phone, email, backup-codes). */
function factorLabel(t: T, type: string): string {
  return t(factorName(type).key);
}

export function policyForm(
  t: T,
  orgId: string,
  v: PolicyFormValues,
  csrf: string,
  confirmAffected: number | null,
): Html {
  const allowed = (m: string): boolean => v.allowedMethods.length === 0 || v.allowedMethods.includes(m);
  return html`<form method="post" action="/orgs/${orgId}/security" class="card">
  <input type="hidden" name="_csrf" value="${csrf}">
  <fieldset><legend>${t('org:policy.requireLegend')}</legend>
    ${REQUIREMENTS.map(([value, label, hint]) => html`<label class="checkbox"><input type="radio" name="requireTwoFactor" value="${value}" ${v.requireTwoFactor === value ? html`checked` : ''}> ${t(label)}</label><p class="hint">${t(hint)}</p>`)}
  </fieldset>
  <label for="grace">${t('org:policy.graceLabel')}</label>
  <input id="grace" name="gracePeriodDays" type="number" min="0" max="30" value="${v.gracePeriodDays}" required>
  <p class="hint">${t('org:policy.graceHint')}</p>
  <label for="trusted">${t('org:policy.trustedLabel')}</label>
  <input id="trusted" name="trustedDeviceDays" type="number" min="0" max="365" value="${v.trustedDeviceDays}" required>
  <p class="hint">${t('org:policy.trustedHint')}</p>
  <fieldset><legend>${t('org:policy.methodsLegend')}</legend>
    ${ENROLLABLE_METHODS.map((value) => html`<label class="checkbox"><input type="checkbox" name="allowedMethods" value="${value}" ${allowed(value) ? html`checked` : ''}> ${methodLabel(t, value)}</label>`)}
  </fieldset>
  <fieldset><legend>${t('org:policy.phishingLegend')}</legend>
    ${DEVICE_CHECK.map(([value, label]) => html`<label class="checkbox"><input type="radio" name="phishingResistant" value="${value}" ${v.phishingResistant === value ? html`checked` : ''}> ${t(label)}</label>`)}
    <p class="hint">${t('org:policy.phishingHint')}</p>
  </fieldset>
  <label for="aaguids">${t('org:policy.aaguidsLabel')}</label>
  <textarea id="aaguids" name="allowedAuthenticators" rows="3" spellcheck="false">${v.allowedAuthenticators.join('\n')}</textarea>
  <p class="hint">${t('org:policy.aaguidsHint')}</p>
  <fieldset><legend>${t('org:policy.emailCodesLegend')}</legend>
    ${EMAIL_CODES.map(([value, label]) => html`<label class="checkbox"><input type="radio" name="emailCodes" value="${value}" ${v.emailCodes === value ? html`checked` : ''}> ${t(label)}</label>`)}
    <p class="hint">${t('org:policy.emailCodesHint')}</p>
  </fieldset>
  <fieldset><legend>${t('org:policy.deviceCheckLegend')}</legend>
    ${DEVICE_CHECK.map(([value, label]) => html`<label class="checkbox"><input type="radio" name="newDeviceCheck" value="${value}" ${v.newDeviceCheck === value ? html`checked` : ''}> ${t(label)}</label>`)}
    <p class="hint">${t('org:policy.deviceCheckHint')}</p>
  </fieldset>
  <label class="checkbox"><input type="checkbox" name="selfServiceRecovery" value="1" ${v.selfServiceRecovery ? html`checked` : ''}> ${t('org:policy.selfServiceRecovery')}</label>
  ${
    confirmAffected === null
      ? html`<button type="submit">${t('org:policy.review')}</button>`
      : html`<input type="hidden" name="confirmed" value="1">
  <div class="notice notice-info" role="alert">${
    confirmAffected === 0
      ? t('org:policy.affectedNone')
      : v.gracePeriodDays > 0
        ? t('org:policy.affectedWithin', { count: confirmAffected, days: v.gracePeriodDays })
        : t('org:policy.affectedNextSignIn', { count: confirmAffected })
  }</div>
  <button type="submit">${t('org:policy.confirm')}</button> <a class="button secondary" href="/orgs/${orgId}/security">${t('common:actions.cancel')}</a>`
  }
</form>`;
}

export function complianceTable(t: T, orgId: string, members: readonly ComplianceMember[]): Html {
  if (members.length === 0) return html`<p class="muted">${t('org:compliance.nobody')}</p>`;
  const c = (key: 'member' | 'role' | 'twoFactor' | 'methods' | 'deadline' | 'exception' | 'lastSignIn') =>
    html`<th scope="col">${t(`org:compliance.columns.${key}`)}</th>`;
  return html`<div class="table-scroll" role="region" aria-label="${t('org:compliance.tableLabel')}" tabindex="0"><table>
  <caption class="sr-only">${t('org:compliance.tableLabel')}</caption>
  <thead><tr>${c('member')}${c('role')}${c('twoFactor')}${c('methods')}${c('deadline')}${c('exception')}${c('lastSignIn')}<th scope="col"><span class="sr-only">${t('org:compliance.columns.actions')}</span></th></tr></thead>
  <tbody>${members.map(
    (m) => html`<tr>
    <td>${m.email}${m.name ? html`<br><span class="muted">${m.name}</span>` : ''}${m.needsReset ? html`<br><span class="badge warn">${t('org:compliance.needsReset')}</span>` : ''}</td>
    <td>${roleLabel(t, m.role)}</td>
    <td><span class="badge ${m.twoFactorEnabled ? 'ok' : 'warn'}">${m.twoFactorEnabled ? t('org:compliance.on') : t('org:compliance.off')}</span>${checkupNote(t, m)}</td>
    <td>${m.methods.length ? m.methods.map((type) => factorLabel(t, type)).join(', ') : '—'}${m.phishingResistant === 'needs_passkey' ? html` <span class="badge warn">${t('org:compliance.passkeyNeeded')}</span>` : ''}</td>
    <td class="nowrap">${m.deadline ? html`${t.day(m.deadline)}${m.overdue ? html` <span class="badge warn">${t('org:compliance.overdue')}</span>` : ''}` : '—'}</td>
    <td>${exceptionCell(t, m)}</td>
    <td class="nowrap">${t.day(m.lastSignInAt)}</td>
    <td>${m.mayReset ? html`<a href="/orgs/${orgId}/members/${m.userId}/reset">${t.html('org:compliance.resetLink', { email: m.email })}</a>` : ''}${exceptionLinks(t, orgId, m)}</td>
  </tr>`,
  )}</tbody>
</table></div>`;
}

/** A bar chart of members with 2FA per day, with the numbers as a table for screen readers. */
export function adoptionChart(t: T, points: readonly AdoptionPoint[]): Html {
  const width = 640;
  const height = 180;
  const pad = 28;
  const max = Math.max(1, ...points.map((p) => p.members));
  const barWidth = (width - pad * 2) / Math.max(1, points.length);
  const last = points[points.length - 1];
  const summary = last
    ? t('org:compliance.chart.summary', { enabled: last.enabled, members: last.members })
    : t('org:compliance.chart.noMembers');
  // The series' days are calendar days (YYYY-MM-DD, UTC): shown in the reader's language, not shifted by zone.
  const utcDays = translator(t.locale, 'UTC');
  const dayText = (date: string | undefined): string => (date ? utcDays.day(`${date}T12:00:00.000Z`) : '');
  return html`<p>${summary}</p>
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${t('org:compliance.chart.label', { count: points.length, summary })}">
  <line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#8a94a6"/>
  <text x="${pad}" y="${pad - 10}" font-size="11" fill="#5b6472">${t('org:compliance.chart.axis', { max })}</text>
  ${points.map((p, i) => {
    const total = ((height - pad * 2) * p.members) / max;
    const on = ((height - pad * 2) * p.enabled) / max;
    const x = pad + i * barWidth + 1;
    return html`<rect x="${x}" y="${height - pad - total}" width="${barWidth - 2}" height="${total}" fill="#e4e7ec"/><rect x="${x}" y="${height - pad - on}" width="${barWidth - 2}" height="${on}" fill="#1d4ed8"/>`;
  })}
  <text x="${pad}" y="${height - 8}" font-size="11" fill="#5b6472">${dayText(points[0]?.date)}</text>
  <text x="${width - pad}" y="${height - 8}" font-size="11" fill="#5b6472" text-anchor="end">${dayText(last?.date)}</text>
</svg>
<details><summary>${t('org:compliance.chart.showNumbers')}</summary>
<table><caption class="sr-only">${t('org:compliance.chart.caption')}</caption>
<thead><tr><th scope="col">${t('org:compliance.chart.day')}</th><th scope="col">${t('org:compliance.chart.withTwoFactor')}</th><th scope="col">${t('org:compliance.chart.members')}</th></tr></thead>
<tbody>${points.map((p) => html`<tr><td>${dayText(p.date)}</td><td>${p.enabled}</td><td>${p.members}</td></tr>`)}</tbody></table>
</details>`;
}
