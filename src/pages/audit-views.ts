/** Markup for audit events (the org's log and a person's own activity) and their paging cursor. */
import { AppError } from '../errors.ts';
import type { AuditRow } from '../audit/store.ts';
import { describeUserAgent } from '../core/user-agent.ts';
import { html, type Html } from '../core/html.ts';
import { textField, utc } from './ui.ts';

/** Plain-language names for the events; the event code is shown beside them for support and exports. */
const EVENT_LABELS: Readonly<Record<string, string>> = {
  'setup.completed': 'Set up the organization',
  'sign_in.succeeded': 'Signed in',
  'sign_in.failed': 'Sign-in failed',
  'sign_in.locked': 'Sign-in paused after failed attempts',
  sign_out: 'Signed out',
  'session.revoked': 'Session revoked',
  'sessions.revoked_all': 'Signed out everywhere',
  reauthenticated: 'Confirmed password',
  'password.changed': 'Password changed',
  'password.reset_requested': 'Password reset requested',
  'password.reset': 'Password reset',
  'invitation.sent': 'Invitation sent',
  'invitation.accepted': 'Invitation accepted',
  'invitation.revoked': 'Invitation revoked',
  'member.added': 'Member added',
  'member.role_changed': 'Role changed',
  'member.removed': 'Member removed',
  'mail.delivery_failed': 'Email delivery failed',
  'factor.added': 'Sign-in method added',
  'factor.removed': 'Sign-in method removed',
  'factor.renamed': 'Sign-in method renamed',
  'phone.code_sent': 'Code sent by text or call',
  'phone.send_limited': 'Code not sent: sending limit reached',
  'phone.delivery_failed': 'Code could not be sent',
  'phone.changed': 'Phone number changed',
  'email_code.sent': 'Code sent by email',
  'email_code.send_limited': 'Email code not sent: sending limit reached',
  'sign_in.device_check_required': 'Sign-in from a new device: code emailed',
  'sign_in.method_refused': 'Sign-in refused: method not accepted by the organization',
  'two_factor.enabled': 'Two-factor authentication turned on',
  'two_factor.disabled': 'Two-factor authentication turned off',
  'two_factor.reset': 'Two-factor authentication reset',
  'account.suspended': 'Account suspended',
  'account.reactivated': 'Account reactivated',
  'webhook.created': 'Webhook added',
  'webhook.updated': 'Webhook changed',
  'webhook.deleted': 'Webhook deleted',
  'webhook.secret_rotated': 'Webhook secret rotated',
  'webhook.disabled': 'Webhook turned off after failures',
  'webhook.redelivered': 'Webhook message sent again',
  'forward_auth.host_added': 'Proxy host protected',
  'forward_auth.host_removed': 'Proxy host no longer protected',
  'policy.changed': 'Security policy changed',
  'members.notified': 'Members reminded to set up 2FA',
  'exemption.granted': 'Exempted from the 2FA requirement',
  'exemption.ended': '2FA exemption ended',
  'deadline.extended': '2FA deadline extended',
  'checkup.completed': '2FA check-up done',
  'checkup.skipped': '2FA check-up skipped',
  'members.imported': 'Members imported',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'branding.changed': 'Branding changed',
  'oidc_client.created': 'App registered',
  'oidc_client.updated': 'App changed',
  'oidc_client.secret_rotated': 'App secret replaced',
  'oidc_client.deleted': 'App deleted',
  'oidc.signed_in': 'Signed in to an app',
  'oidc.consent_given': 'Allowed an app',
  'oidc.stepped_up': 'Confirmed a second factor for an app',
  'oidc.access_revoked': "Removed an app's access",
  'oidc.signing_key_rotated': 'Token signing key rotated',
  'backup_codes.regenerated': 'New backup codes generated',
  'backup_code.used': 'Backup code used',
  'trusted_device.added': 'Browser trusted',
  'trusted_device.revoked': 'Trusted browser revoked',
};

export function eventLabel(event: string): string {
  return EVENT_LABELS[event] ?? event.replace(/[._]/g, ' ');
}

const CURSOR = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\|[A-Za-z0-9_-]{1,64}$/;

/** The `before` paging cursor from the query string (the previous page's nextCursor), validated. */
export function cursorParam(query: unknown): string | undefined {
  const value = textField(query, 'before', 200);
  if (!value) return undefined;
  if (!CURSOR.test(value))
    throw new AppError('invalid_request', { message: 'That page link is not valid.', details: { field: 'before' } });
  return value;
}

function detailsList(details: Record<string, unknown>): Html {
  const entries = Object.entries(details);
  if (entries.length === 0) return html`—`;
  return html`<ul class="kv">${entries.map(([key, value]) => html`<li><span class="k">${key}</span> ${typeof value === 'string' ? value : JSON.stringify(value)}</li>`)}</ul>`;
}

export function auditTable(
  rows: readonly AuditRow[],
  options: { readonly people: boolean; readonly caption: string },
): Html {
  if (rows.length === 0) return html`<p class="empty">No events to show.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="${options.caption}" tabindex="0">
<table class="audit">
  <caption class="sr-only">${options.caption}</caption>
  <thead><tr>
    <th scope="col">Time (UTC)</th><th scope="col">Event</th>
    ${options.people ? html`<th scope="col">Actor</th><th scope="col">Target</th>` : ''}
    <th scope="col">IP address</th><th scope="col">User agent</th><th scope="col">Details</th>
  </tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr>
    <td class="nowrap">${utc(r.at)}</td>
    <td>${eventLabel(r.event)}<br><code class="event">${r.event}</code></td>
    ${options.people ? html`<td>${r.actorEmail ?? html`<span class="muted">—</span>`}</td><td>${r.targetEmail ?? html`<span class="muted">—</span>`}</td>` : ''}
    <td class="nowrap">${r.ip || '—'}</td>
    <td>${r.userAgent ? html`<details class="ua"><summary>${describeUserAgent(r.userAgent)}</summary><span>${r.userAgent}</span></details>` : '—'}</td>
    <td class="details">${detailsList(r.details)}</td>
  </tr>`,
  )}</tbody>
</table>
</div>`;
}

/** "Newest" / "Older" links; `base` already carries the filters (and ends in ? or &). */
export function pager(base: string, before: string | undefined, nextCursor: string | null): Html {
  if (!before && !nextCursor) return html``;
  const trimmed = base.replace(/[?&]$/, '');
  return html`<nav class="pager" aria-label="Pages">
  ${before ? html`<a href="${trimmed}">Newest</a>` : ''}
  ${nextCursor ? html`<a href="${base}before=${encodeURIComponent(nextCursor)}" rel="next">Older</a>` : ''}
</nav>`;
}
