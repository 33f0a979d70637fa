/** Markup of forward auth: why a protected app refused the person, and the org's Protected hosts page. */
import { html, type Html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { csrfInput } from '../pages/ui.ts';
import type { StartOutcome } from '../flows/forward-auth.ts';
import type { ProtectedHost } from './store.ts';

const REFUSALS: Record<
  Extract<StartOutcome, { kind: 'refused' }>['reason'],
  { title: string; text: string; action: Html }
> = {
  not_member: {
    title: "You can't open this app",
    text: 'This app is for members of another organization, and your account is not one of them.',
    action: html`<p>Ask an admin of that organization to invite you, or sign out and use another account.</p>`,
  },
  suspended: {
    title: "You can't open this app",
    text: 'Your account is suspended.',
    action: html`<p>Ask an admin of your organization to reactivate it.</p>`,
  },
  role_not_allowed: {
    title: "You can't open this app",
    text: 'Your role in the organization does not include this app.',
    action: html`<p>Ask an admin of your organization if you need it.</p>`,
  },
  enrollment_required: {
    title: 'Set up two-factor authentication',
    text: 'Your organization requires two-factor authentication before you can continue.',
    action: html`<p class="row-actions"><a class="button" href="/profile/security">Set it up</a></p>`,
  },
  enrol_for_two_factors: {
    title: 'This app needs two-factor authentication',
    text: 'This app asks for two-factor authentication, and your account does not have it yet.',
    action: html`<p class="row-actions"><a class="button" href="/profile/security">Set it up</a></p><p>Then open the app again.</p>`,
  },
  two_factor_required: {
    title: 'This app needs your second factor',
    text: 'You signed in on a trusted browser without your second factor, and this app asks for it.',
    action: html`<p>Sign out, then open the app again and sign in with your second factor.</p>`,
  },
};

export function refusedView(
  reason: Extract<StartOutcome, { kind: 'refused' }>['reason'],
  host: string,
  email: string,
): Html {
  const refusal = REFUSALS[reason];
  return html`<section class="card narrow" aria-labelledby="refused-title">
  <h1 id="refused-title">${refusal.title}</h1>
  ${notice(reason === 'enrollment_required' || reason === 'enrol_for_two_factors' ? 'info' : 'error', refusal.text)}
  <p>App: <code class="uri">${host}</code> · Signed in as <strong>${email}</strong></p>
  ${refusal.action}
</section>`;
}

export function protectedHostsView(
  orgId: string,
  orgName: string,
  hosts: readonly ProtectedHost[],
  csrf: string,
  message: { kind: 'error' | 'success'; text: string } | null,
  publicUrl: string,
): Html {
  const base = `/orgs/${orgId}/forward-auth`;
  return html`<h1>Protected hosts — ${orgName}</h1>
${notice(message?.kind ?? 'info', message?.text)}
<section class="card" aria-labelledby="hosts-title">
  <h2 id="hosts-title">Hosts</h2>
  <p>Apps behind your reverse proxy (nginx, Traefik, Caddy) that ask twofold who may enter. Only members of ${orgName} get in, signed in at <code class="uri">${publicUrl}</code>.</p>
  ${
    hosts.length === 0
      ? html`<p class="muted">No hosts yet.</p>`
      : html`<ul class="plain-list">${hosts.map(
          (
            h,
          ) => html`<li><code class="uri">${h.host}</code> — ${h.requireTwoFactor ? 'two factors required' : 'password or two factors'} · ${h.roles.length ? h.roles.join(', ') : 'every member'}
        <form method="post" action="${base}/${h.id}/delete" class="inline">${csrfInput(csrf)}<button type="submit" class="danger small">Remove<span class="sr-only"> ${h.host}</span></button></form></li>`,
        )}</ul>`
  }
</section>
<section class="card" aria-labelledby="add-host-title">
  <h2 id="add-host-title">Protect a host</h2>
  <form method="post" action="${base}">
    ${csrfInput(csrf)}
    <label for="host">Host <span class="muted">(as the proxy sees it, e.g. wiki.example.com)</span></label>
    <input id="host" name="host" type="text" maxlength="260" required autocapitalize="none" spellcheck="false">
    <label class="check"><input type="checkbox" name="requireTwoFactor" value="1" checked> Require two factors</label>
    <fieldset><legend>Who may enter <span class="muted">(none ticked: every member)</span></legend>
      ${(['owner', 'admin', 'staff', 'client'] as const).map((r) => html`<label class="check"><input type="checkbox" name="roles" value="${r}"> ${r[0]!.toUpperCase()}${r.slice(1)}</label>`)}
    </fieldset>
    <button type="submit">Protect host</button>
  </form>
</section>`;
}
