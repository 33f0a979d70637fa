/** Markup of Organization → Webhooks: endpoints, the add form, one endpoint's delivery log. */
import { html, type Html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { csrfInput, utc } from '../pages/ui.ts';
import { WEBHOOK_EVENTS, OPT_IN_EVENTS } from './events.ts';
import type { Delivery, Webhook } from './store.ts';

export interface Message {
  readonly kind: 'error' | 'success';
  readonly text: string;
}

const secretNotice = (secret: string | null): Html =>
  secret
    ? html`<div class="notice notice-success" role="status"><p><strong>Copy the signing secret now: it is shown only once.</strong></p><p><code class="uri" id="webhook-secret">${secret}</code></p><p class="hint">Verify each message's <code>webhook-signature</code> with it (Standard Webhooks; libraries exist for most languages).</p></div>`
    : html``;

const eventsText = (events: readonly string[]): string =>
  events.includes('*') ? 'All security events' : events.join(', ');

export function webhooksView(
  orgId: string,
  orgName: string,
  webhooks: readonly Webhook[],
  csrf: string,
  secret: string | null,
  message: Message | null,
): Html {
  const base = `/orgs/${orgId}/webhooks`;
  return html`<h1>Webhooks — ${orgName}</h1>
${notice(message?.kind ?? 'info', message?.text)}${secretNotice(secret)}
<section class="card" aria-labelledby="endpoints-title">
  <h2 id="endpoints-title">Endpoints</h2>
  <p>twofold sends a signed JSON message to each endpoint when a security event of ${orgName} happens (a factor added, a lockout, a policy change…), retrying for about a day when it does not answer 2xx.</p>
  ${
    webhooks.length === 0
      ? html`<p class="muted">No endpoints yet.</p>`
      : html`<ul class="plain-list">${webhooks.map(
          (w) => html`<li><a href="${base}/${w.id}"><code class="uri">${w.url}</code></a>
      <span class="badge ${w.enabled ? 'ok' : 'warn'}">${w.enabled ? 'On' : w.disabledReason === 'failing' ? 'Off — kept failing' : 'Off'}</span>
      <br><span class="muted">${eventsText(w.events)}</span></li>`,
        )}</ul>`
  }
</section>
<section class="card" aria-labelledby="add-webhook-title">
  <h2 id="add-webhook-title">Add an endpoint</h2>
  <form method="post" action="${base}">
    ${csrfInput(csrf)}
    <label for="webhook-url">URL <span class="muted">(https)</span></label>
    <input id="webhook-url" name="url" type="url" maxlength="2000" required placeholder="https://example.com/hooks/twofold">
    <fieldset>
      <legend>Events</legend>
      <label class="check"><input type="checkbox" name="events" value="*" checked> All security events <span class="muted">(not sign-ins)</span></label>
      ${WEBHOOK_EVENTS.map(
        (e) =>
          html`<label class="check"><input type="checkbox" name="events" value="${e}"> <code>${e}</code>${OPT_IN_EVENTS.has(e) ? html` <span class="muted">(one per sign-in)</span>` : ''}</label>`,
      )}
    </fieldset>
    <button type="submit">Add endpoint</button>
  </form>
</section>`;
}

export function webhookView(
  orgId: string,
  webhook: Webhook,
  deliveries: readonly Delivery[],
  csrf: string,
  secret: string | null,
  message: Message | null,
  now: string,
): Html {
  const base = `/orgs/${orgId}/webhooks/${webhook.id}`;
  return html`<p><a href="/orgs/${orgId}/webhooks">← Webhooks</a></p>
<h1>Webhook endpoint</h1>
${notice(message?.kind ?? 'info', message?.text)}${secretNotice(secret)}
<section class="card" aria-labelledby="endpoint-title">
  <h2 id="endpoint-title"><code class="uri">${webhook.url}</code></h2>
  <p>${eventsText(webhook.events)} · <span class="badge ${webhook.enabled ? 'ok' : 'warn'}">${webhook.enabled ? 'On' : webhook.disabledReason === 'failing' ? 'Off — kept failing' : 'Off'}</span></p>
  ${webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > now ? html`<p class="hint">The previous secret also signs until ${utc(webhook.previousSecretExpiresAt)}.</p>` : ''}
  <div class="row-actions">
    <form method="post" action="${base}/toggle" class="inline">${csrfInput(csrf)}<button type="submit" class="secondary">${webhook.enabled ? 'Turn off' : 'Turn on'}</button></form>
    <form method="post" action="${base}/rotate-secret" class="inline">${csrfInput(csrf)}
      <label for="keep-old">The old secret keeps signing</label>
      <select id="keep-old" name="keepOldSecretHours"><option value="24">for 24 hours</option><option value="1">for 1 hour</option><option value="168">for 7 days</option><option value="0">no — stop it now (leaked)</option></select>
      <button type="submit" class="secondary">New secret</button></form>
    <form method="post" action="${base}/delete" class="inline">${csrfInput(csrf)}<button type="submit" class="danger">Delete endpoint</button></form>
  </div>
</section>
<section class="card" aria-labelledby="deliveries-title">
  <h2 id="deliveries-title">Deliveries</h2>
  ${
    deliveries.length === 0
      ? html`<p class="muted">No messages yet.</p>`
      : html`<div class="table-scroll" role="region" aria-labelledby="deliveries-title" tabindex="0"><table>
    <caption class="sr-only">Messages sent to this endpoint, newest first</caption>
    <thead><tr><th scope="col">Event</th><th scope="col">When</th><th scope="col">Status</th><th scope="col">Answer</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${deliveries.map(
      (d) => html`<tr>
      <td><code>${d.eventType}</code><br><span class="muted">${d.id}</span></td>
      <td class="nowrap">${utc(d.createdAt)}</td>
      <td>${d.status === 'delivered' ? 'Delivered' : d.status === 'failed' ? 'Failed' : 'Retrying'} <span class="muted">(${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'})</span></td>
      <td>${d.responseStatus ?? ''} ${d.lastError && d.status !== 'delivered' ? html`<span class="muted">${d.lastError}</span>` : ''}</td>
      <td>${d.status !== 'pending' && webhook.enabled ? html`<form method="post" action="${base}/deliveries/${d.id}/redeliver" class="inline">${csrfInput(csrf)}<button type="submit" class="secondary small">Send again<span class="sr-only"> ${d.id}</span></button></form>` : ''}</td>
    </tr>`,
    )}</tbody></table></div>`
  }
</section>`;
}
