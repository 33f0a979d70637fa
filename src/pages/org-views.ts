/** Markup of the org pages: the "People" table, the invite form, pending invitations. */
import type { Role } from '../db/schema.ts';
import { ROLES } from '../db/schema.ts';
import { mayManage, type MemberView } from '../orgs/service.ts';
import { type InvitationView } from '../orgs/invitations.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import { csrfInput, day, input, postButton, ROLE_LABELS, utc, type FormError } from './ui.ts';

const ROLE_HINTS: Readonly<Record<Role, string>> = {
  owner: 'Owner — everything, including other owners',
  admin: 'Admin — manages staff, clients and security settings',
  staff: 'Staff — your team',
  client: 'Client — sees only their own account',
};

export interface MembersViewInput {
  readonly orgId: string;
  readonly actorId: string;
  readonly actorRole: Role;
  readonly members: readonly MemberView[];
  readonly invitations: readonly InvitationView[];
  readonly csrf: string;
  readonly invite: { readonly email: string; readonly role: Role; readonly error: FormError | null };
}

function roleOptions(actorRole: Role, currentRole: Role | null, selected: Role): Html {
  const allowed = ROLES.filter((r) =>
    currentRole === null ? mayManage(actorRole, r, r) : mayManage(actorRole, currentRole, r),
  );
  return html`${allowed.map((r) => html`<option value="${r}"${r === selected ? html` selected` : ''}>${ROLE_LABELS[r] ?? r}</option>`)}`;
}

function memberRow(v: MembersViewInput, m: MemberView): Html {
  const self = m.userId === v.actorId;
  const manageable = !self && mayManage(v.actorRole, m.role);
  const who = m.name || m.email;
  return html`<tr>
    <td><strong>${m.name || m.email}</strong>${m.name ? html`<br><span class="muted">${m.email}</span>` : ''}${self ? html` <span class="badge">You</span>` : ''}${m.emailVerified ? '' : html` <span class="badge warn">Email not verified</span>`}${m.suspended ? html` <span class="badge warn">Suspended</span>` : ''}</td>
    <td>${
      manageable
        ? html`<form method="post" action="/orgs/${v.orgId}/members/${m.userId}/role" class="role-form">
        ${csrfInput(v.csrf)}
        <label class="sr-only" for="role-${m.userId}">Role of ${who}</label>
        <select id="role-${m.userId}" name="role">${roleOptions(v.actorRole, m.role, m.role)}</select>
        <button type="submit" class="secondary small">Save<span class="sr-only"> role of ${who}</span></button>
      </form>`
        : html`${ROLE_LABELS[m.role] ?? m.role}`
    }</td>
    <td><span class="badge ${m.twoFactorEnabled ? 'ok' : 'warn'}">${m.twoFactorEnabled ? '2FA on' : '2FA off'}</span></td>
    <td class="nowrap">${m.lastSignInAt ? utc(m.lastSignInAt) : html`<span class="muted">Never</span>`}</td>
    <td class="row-actions">${manageable ? html`<a class="button secondary small" href="/orgs/${v.orgId}/members/${m.userId}/suspension">${m.suspended ? 'Reactivate' : 'Suspend'}<span class="sr-only"> ${who}</span></a> <a class="button danger small" href="/orgs/${v.orgId}/members/${m.userId}/remove">Remove<span class="sr-only"> ${who}</span></a>` : ''}</td>
  </tr>`;
}

export function membersView(v: MembersViewInput): Html {
  const pending = v.invitations.filter((i) => i.status === 'pending');
  return html`<section class="card" aria-labelledby="members-title">
  <h2 id="members-title">Members <span class="count">${v.members.length}</span></h2>
  <div class="table-scroll" role="region" aria-labelledby="members-title" tabindex="0">
  <table class="members">
    <caption class="sr-only">Staff and clients of the organization</caption>
    <thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">2FA</th><th scope="col">Last sign-in</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${v.members.map((m) => memberRow(v, m))}</tbody>
  </table>
  </div>
</section>

<section class="card" aria-labelledby="invite-title">
  <h2 id="invite-title">Invite someone</h2>
  <p class="hint">They get an email with a link that works once and expires after 7 days.</p>
  ${notice('error', v.invite.error?.message)}
  <form method="post" action="/orgs/${v.orgId}/invitations" class="row">
    ${csrfInput(v.csrf)}
    <div>${input({ id: 'invite-email', name: 'email', type: 'email', label: 'Email address', value: v.invite.email, autocomplete: 'off', maxlength: 320, invalid: v.invite.error?.field === 'email' })}</div>
    <div><label for="invite-role">Role</label>
      <select id="invite-role" name="role" aria-describedby="invite-role-hint">${roleOptions(v.actorRole, null, v.invite.role)}</select></div>
    <div class="row-submit"><button type="submit">Send invitation</button></div>
  </form>
  <ul class="hint plain" id="invite-role-hint">${ROLES.filter((r) => mayManage(v.actorRole, r, r)).map((r) => html`<li>${ROLE_HINTS[r]}</li>`)}</ul>
</section>

<section class="card" aria-labelledby="pending-title">
  <h2 id="pending-title">Pending invitations <span class="count">${pending.length}</span></h2>
  ${
    pending.length === 0
      ? html`<p class="empty">No pending invitations.</p>`
      : html`<div class="table-scroll" role="region" aria-labelledby="pending-title" tabindex="0">
  <table>
    <caption class="sr-only">Invitations not yet accepted</caption>
    <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Sent</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${pending.map(
      (i) => html`<tr>
      <td>${i.email}</td><td>${ROLE_LABELS[i.role] ?? i.role}</td><td class="nowrap">${day(i.createdAt)}</td><td class="nowrap">${day(i.expiresAt)}</td>
      <td>${postButton(`/orgs/${v.orgId}/invitations/${i.id}/revoke`, v.csrf, html`Revoke<span class="sr-only"> invitation for ${i.email}</span>`, 'danger')}</td>
    </tr>`,
    )}</tbody>
  </table>
  </div>`
  }
</section>`;
}

/** Sub-navigation shared by the org pages. */
export function orgTabs(orgId: string, current: 'members' | 'settings' | 'audit' | 'webhooks' | 'forward-auth'): Html {
  const tab = (key: typeof current, href: string, label: string): Html =>
    html`<li><a href="${href}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav class="tabs" aria-label="Organization">
  <ul>${tab('members', `/orgs/${orgId}/members`, 'People')}${tab('settings', `/orgs/${orgId}/settings`, 'Organization')}${tab('audit', `/orgs/${orgId}/audit`, 'Audit log')}${tab('webhooks', `/orgs/${orgId}/webhooks`, 'Webhooks')}${tab('forward-auth', `/orgs/${orgId}/forward-auth`, 'Protected hosts')}</ul>
</nav>`;
}
