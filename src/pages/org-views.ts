/** Markup of the org pages: the "People" table, the invite form, pending invitations. */
import type { Role } from '../db/schema.ts';
import { ROLES } from '../db/schema.ts';
import { mayManage, type MemberView } from '../orgs/service.ts';
import { type InvitationView } from '../orgs/invitations.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import type { T } from '../i18n/index.ts';
import { csrfInput, input, moment, postButton, roleLabel, type FormError } from './ui.ts';

export interface MembersViewInput {
  readonly orgId: string;
  readonly actorId: string;
  readonly actorRole: Role;
  readonly members: readonly MemberView[];
  readonly invitations: readonly InvitationView[];
  readonly csrf: string;
  readonly invite: { readonly email: string; readonly role: Role; readonly error: FormError | null };
}

function roleOptions(t: T, actorRole: Role, currentRole: Role | null, selected: Role): Html {
  const allowed = ROLES.filter((r) =>
    currentRole === null ? mayManage(actorRole, r, r) : mayManage(actorRole, currentRole, r),
  );
  return html`${allowed.map((r) => html`<option value="${r}"${r === selected ? html` selected` : ''}>${roleLabel(t, r)}</option>`)}`;
}

function memberRow(t: T, v: MembersViewInput, m: MemberView): Html {
  const self = m.userId === v.actorId;
  const manageable = !self && mayManage(v.actorRole, m.role);
  const who = m.name || m.email;
  return html`<tr>
    <td><strong>${m.name || m.email}</strong>${m.name ? html`<br><span class="muted">${m.email}</span>` : ''}${self ? html` <span class="badge">${t('org:members.you')}</span>` : ''}${m.emailVerified ? '' : html` <span class="badge warn">${t('org:members.emailNotVerified')}</span>`}${m.suspended ? html` <span class="badge warn">${t('org:members.suspended')}</span>` : ''}</td>
    <td>${
      manageable
        ? html`<form method="post" action="/orgs/${v.orgId}/members/${m.userId}/role" class="role-form">
        ${csrfInput(v.csrf)}
        <label class="sr-only" for="role-${m.userId}">${t('org:members.roleOf', { who })}</label>
        <select id="role-${m.userId}" name="role">${roleOptions(t, v.actorRole, m.role, m.role)}</select>
        <button type="submit" class="secondary small">${t.html('org:members.saveRole', { who })}</button>
      </form>`
        : html`${roleLabel(t, m.role)}`
    }</td>
    <td><span class="badge ${m.twoFactorEnabled ? 'ok' : 'warn'}">${m.twoFactorEnabled ? t('org:members.twoFactorOn') : t('org:members.twoFactorOff')}</span></td>
    <td class="nowrap">${m.lastSignInAt ? moment(t, m.lastSignInAt) : html`<span class="muted">${t('org:members.never')}</span>`}</td>
    <td class="row-actions">${manageable ? html`<a class="button secondary small" href="/orgs/${v.orgId}/members/${m.userId}/suspension">${m.suspended ? t.html('org:members.reactivate', { who }) : t.html('org:members.suspend', { who })}</a> <a class="button danger small" href="/orgs/${v.orgId}/members/${m.userId}/remove">${t.html('org:members.remove', { who })}</a>` : ''}</td>
  </tr>`;
}

export function membersView(t: T, v: MembersViewInput): Html {
  const pending = v.invitations.filter((i) => i.status === 'pending');
  return html`<section class="card" aria-labelledby="members-title">
  <h2 id="members-title">${t('org:members.membersHeading')} <span class="count">${v.members.length}</span></h2>
  <div class="table-scroll" role="region" aria-labelledby="members-title" tabindex="0">
  <table class="members">
    <caption class="sr-only">${t('org:members.membersCaption')}</caption>
    <thead><tr><th scope="col">${t('org:members.columns.person')}</th><th scope="col">${t('org:members.columns.role')}</th><th scope="col">${t('org:members.columns.twoFactor')}</th><th scope="col">${t('org:members.columns.lastSignIn')}</th><th scope="col"><span class="sr-only">${t('org:members.columns.actions')}</span></th></tr></thead>
    <tbody>${v.members.map((m) => memberRow(t, v, m))}</tbody>
  </table>
  </div>
</section>

<section class="card" aria-labelledby="invite-title">
  <h2 id="invite-title">${t('org:members.inviteHeading')}</h2>
  <p class="hint">${t('org:members.inviteHint')}</p>
  ${notice('error', v.invite.error ? t.error(v.invite.error) : null)}
  <form method="post" action="/orgs/${v.orgId}/invitations" class="row">
    ${csrfInput(v.csrf)}
    <div>${input({ id: 'invite-email', name: 'email', type: 'email', label: t('org:members.emailAddress'), value: v.invite.email, autocomplete: 'off', maxlength: 320, invalid: v.invite.error?.field === 'email' })}</div>
    <div><label for="invite-role">${t('org:members.role')}</label>
      <select id="invite-role" name="role" aria-describedby="invite-role-hint">${roleOptions(t, v.actorRole, null, v.invite.role)}</select></div>
    <div class="row-submit"><button type="submit">${t('org:members.sendInvitation')}</button></div>
  </form>
  <ul class="hint plain" id="invite-role-hint">${ROLES.filter((r) => mayManage(v.actorRole, r, r)).map((r) => html`<li>${t(`org:members.roleHints.${r}`)}</li>`)}</ul>
</section>

<section class="card" aria-labelledby="pending-title">
  <h2 id="pending-title">${t('org:members.pendingHeading')} <span class="count">${pending.length}</span></h2>
  ${
    pending.length === 0
      ? html`<p class="empty">${t('org:members.noPending')}</p>`
      : html`<div class="table-scroll" role="region" aria-labelledby="pending-title" tabindex="0">
  <table>
    <caption class="sr-only">${t('org:members.pendingCaption')}</caption>
    <thead><tr><th scope="col">${t('org:members.columns.email')}</th><th scope="col">${t('org:members.columns.role')}</th><th scope="col">${t('org:members.columns.sent')}</th><th scope="col">${t('org:members.columns.expires')}</th><th scope="col"><span class="sr-only">${t('org:members.columns.actions')}</span></th></tr></thead>
    <tbody>${pending.map(
      (i) => html`<tr>
      <td>${i.email}</td><td>${roleLabel(t, i.role)}</td><td class="nowrap">${t.day(i.createdAt)}</td><td class="nowrap">${t.day(i.expiresAt)}</td>
      <td>${postButton(`/orgs/${v.orgId}/invitations/${i.id}/revoke`, v.csrf, t.html('org:members.revoke', { email: i.email }), 'danger')}</td>
    </tr>`,
    )}</tbody>
  </table>
  </div>`
  }
</section>`;
}

/** Sub-navigation shared by the org pages. */
export function orgTabs(
  t: T,
  orgId: string,
  current: 'members' | 'settings' | 'audit' | 'webhooks' | 'forward-auth',
): Html {
  const tab = (key: typeof current, href: string, label: string): Html =>
    html`<li><a href="${href}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav class="tabs" aria-label="${t('org:tabs.label')}">
  <ul>${tab('members', `/orgs/${orgId}/members`, t('org:tabs.people'))}${tab('settings', `/orgs/${orgId}/settings`, t('org:tabs.organization'))}${tab('audit', `/orgs/${orgId}/audit`, t('org:tabs.audit'))}${tab('webhooks', `/orgs/${orgId}/webhooks`, t('org:tabs.webhooks'))}${tab('forward-auth', `/orgs/${orgId}/forward-auth`, t('org:tabs.protectedHosts'))}</ul>
</nav>`;
}
