/** Markup for org security: the policy form, the compliance table, the adoption chart (server SVG). */
import type { OrgPolicy } from '../orgs/policy.ts';
import type { AdoptionPoint } from '../orgs/compliance.ts';
import type { ComplianceMember } from '../flows/compliance.ts';
import { html, type Html } from '../core/html.ts';
import { describeMethod, ENROLLABLE_METHODS, factorName } from '../factors/index.ts';
import { english } from '../i18n/index.ts';
import { checkupNote, exceptionCell, exceptionLinks } from './exemption-views.ts';
import { ROLE_LABELS } from './ui.ts';

export type PolicyFormValues = OrgPolicy;

const REQUIREMENTS: Array<[OrgPolicy['requireTwoFactor'], string, string]> = [
  ['off', 'Off', 'Members choose for themselves.'],
  ['staff', 'Staff', 'Owners, admins and staff must use two-factor authentication. Clients choose for themselves.'],
  ['everyone', 'Everyone', 'Everybody in the organization, clients included.'],
];
const EMAIL_CODES: Array<[OrgPolicy['emailCodes'], string]> = [
  ['off', 'Off'],
  ['clients', 'Clients only'],
  ['everyone', 'Everyone'],
];
const DEVICE_CHECK: Array<[OrgPolicy['newDeviceCheck'], string]> = [
  ['off', 'Off'],
  ['staff', 'Staff (owners, admins and staff)'],
  ['everyone', 'Everyone'],
];
const METHODS: Array<[string, string]> = ENROLLABLE_METHODS.map((m) => [m, english(describeMethod(m).policyLabel.key)]);

export function policyForm(orgId: string, v: PolicyFormValues, csrf: string, confirmAffected: number | null): Html {
  const allowed = (m: string): boolean => v.allowedMethods.length === 0 || v.allowedMethods.includes(m);
  return html`<form method="post" action="/orgs/${orgId}/security" class="card">
  <input type="hidden" name="_csrf" value="${csrf}">
  <fieldset><legend>Require two-factor authentication</legend>
    ${REQUIREMENTS.map(([value, label, hint]) => html`<label class="checkbox"><input type="radio" name="requireTwoFactor" value="${value}" ${v.requireTwoFactor === value ? html`checked` : ''}> ${label}</label><p class="hint">${hint}</p>`)}
  </fieldset>
  <label for="grace">Grace period (days, 0–30)</label>
  <input id="grace" name="gracePeriodDays" type="number" min="0" max="30" value="${v.gracePeriodDays}" required>
  <p class="hint">Members without 2FA get this long, from when the requirement starts applying to them, before they must set it up to continue. Changing it applies at once to everyone.</p>
  <label for="trusted">"Trust this device" lasts (days, 0–365)</label>
  <input id="trusted" name="trustedDeviceDays" type="number" min="0" max="365" value="${v.trustedDeviceDays}" required>
  <p class="hint">0 turns the option off: every sign-in on an unrecognised browser asks for the second step.</p>
  <fieldset><legend>Allowed methods</legend>
    ${METHODS.map(([value, label]) => html`<label class="checkbox"><input type="checkbox" name="allowedMethods" value="${value}" ${allowed(value) ? html`checked` : ''}> ${label}</label>`)}
  </fieldset>
  <fieldset><legend>Phishing-resistant only (passkeys and security keys)</legend>
    ${DEVICE_CHECK.map(([value, label]) => html`<label class="checkbox"><input type="radio" name="phishingResistant" value="${value}" ${v.phishingResistant === value ? html`checked` : ''}> ${label}</label>`)}
    <p class="hint">For these members only passkeys and security keys count. Their other methods are shown as "not accepted by your organization" and stop working for sign-in after the grace period; backup codes keep working, so nobody is locked out while adding a passkey.</p>
  </fieldset>
  <label for="aaguids">Accepted authenticator models (AAGUIDs, one per line; empty: any)</label>
  <textarea id="aaguids" name="allowedAuthenticators" rows="3" spellcheck="false">${v.allowedAuthenticators.join('\n')}</textarea>
  <p class="hint">Checked on the server when a passkey is added. Only an authenticator that sends an attestation says its model: synced passkeys usually do not, so with a list set only keys that attest (most security keys) can be added.</p>
  <fieldset><legend>Email codes as a second factor</legend>
    ${EMAIL_CODES.map(([value, label]) => html`<label class="checkbox"><input type="radio" name="emailCodes" value="${value}" ${v.emailCodes === value ? html`checked` : ''}> ${label}</label>`)}
    <p class="hint">A code emailed to the member's sign-in address. Weaker than an app or a passkey: whoever reads the mailbox has it.</p>
  </fieldset>
  <fieldset><legend>New-device check for members without two-factor authentication</legend>
    ${DEVICE_CHECK.map(([value, label]) => html`<label class="checkbox"><input type="radio" name="newDeviceCheck" value="${value}" ${v.newDeviceCheck === value ? html`checked` : ''}> ${label}</label>`)}
    <p class="hint">A password sign-in from a browser never seen for the account asks for a code sent by email first.</p>
  </fieldset>
  <label class="checkbox"><input type="checkbox" name="selfServiceRecovery" value="1" ${v.selfServiceRecovery ? html`checked` : ''}> Members who lost every method may recover their account by email after a 24-hour delay</label>
  ${
    confirmAffected === null
      ? html`<button type="submit">Review change</button>`
      : html`<input type="hidden" name="confirmed" value="1">
  <div class="notice notice-info" role="alert">${
    confirmAffected === 0
      ? 'No member without two-factor authentication is affected by this policy.'
      : `${confirmAffected} member${confirmAffected === 1 ? '' : 's'} without two-factor authentication will have to set it up${v.gracePeriodDays > 0 ? ` within ${v.gracePeriodDays} days` : ' at their next sign-in'}.`
  } Confirm to save.</div>
  <button type="submit">Confirm and save</button> <a class="button secondary" href="/orgs/${orgId}/security">Cancel</a>`
  }
</form>`;
}

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—');

export function complianceTable(orgId: string, members: readonly ComplianceMember[]): Html {
  if (members.length === 0) return html`<p class="muted">Nobody to show.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="Members and their two-factor status" tabindex="0"><table>
  <caption class="sr-only">Members and their two-factor status</caption>
  <thead><tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col">2FA</th><th scope="col">Methods</th><th scope="col">Deadline</th><th scope="col">Exception</th><th scope="col">Last sign-in</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
  <tbody>${members.map(
    (m) => html`<tr>
    <td>${m.email}${m.name ? html`<br><span class="muted">${m.name}</span>` : ''}${m.needsReset ? html`<br><span class="badge warn">needs reset: lost their devices</span>` : ''}</td>
    <td>${ROLE_LABELS[m.role] ?? m.role}</td>
    <td><span class="badge ${m.twoFactorEnabled ? 'ok' : 'warn'}">${m.twoFactorEnabled ? 'On' : 'Off'}</span>${checkupNote(m)}</td>
    <td>${m.methods.length ? m.methods.map(factorName).join(', ') : '—'}${m.phishingResistant === 'needs_passkey' ? html` <span class="badge warn">passkey needed</span>` : ''}</td>
    <td class="nowrap">${m.deadline ? html`${day(m.deadline)}${m.overdue ? html` <span class="badge warn">overdue</span>` : ''}` : '—'}</td>
    <td>${exceptionCell(m)}</td>
    <td class="nowrap">${day(m.lastSignInAt)}</td>
    <td>${m.mayReset ? html`<a href="/orgs/${orgId}/members/${m.userId}/reset">Reset 2FA<span class="sr-only"> of ${m.email}</span></a>` : ''}${exceptionLinks(orgId, m)}</td>
  </tr>`,
  )}</tbody>
</table></div>`;
}

/** A bar chart of members with 2FA per day, with the numbers as a table for screen readers. */
export function adoptionChart(points: readonly AdoptionPoint[]): Html {
  const width = 640;
  const height = 180;
  const pad = 28;
  const max = Math.max(1, ...points.map((p) => p.members));
  const barWidth = (width - pad * 2) / Math.max(1, points.length);
  const last = points[points.length - 1];
  const summary = last
    ? `${last.enabled} of ${last.members} members use two-factor authentication today.`
    : 'No members yet.';
  return html`<p>${summary}</p>
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${`Two-factor adoption over the last ${points.length} days. ${summary}`}">
  <line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#8a94a6"/>
  <text x="${pad}" y="${pad - 10}" font-size="11" fill="#5b6472">${max} members</text>
  ${points.map((p, i) => {
    const total = ((height - pad * 2) * p.members) / max;
    const on = ((height - pad * 2) * p.enabled) / max;
    const x = pad + i * barWidth + 1;
    return html`<rect x="${x}" y="${height - pad - total}" width="${barWidth - 2}" height="${total}" fill="#e4e7ec"/><rect x="${x}" y="${height - pad - on}" width="${barWidth - 2}" height="${on}" fill="#1d4ed8"/>`;
  })}
  <text x="${pad}" y="${height - 8}" font-size="11" fill="#5b6472">${points[0]?.date ?? ''}</text>
  <text x="${width - pad}" y="${height - 8}" font-size="11" fill="#5b6472" text-anchor="end">${last?.date ?? ''}</text>
</svg>
<details><summary>Show the numbers</summary>
<table><caption class="sr-only">Members with two-factor authentication per day</caption>
<thead><tr><th scope="col">Day</th><th scope="col">With 2FA</th><th scope="col">Members</th></tr></thead>
<tbody>${points.map((p) => html`<tr><td>${p.date}</td><td>${p.enabled}</td><td>${p.members}</td></tr>`)}</tbody></table>
</details>`;
}
