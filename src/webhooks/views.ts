/** Markup of Organization → Webhooks: endpoints, the add form, one endpoint's delivery log. */
import { html, type Html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { csrfInput, moment } from '../pages/ui.ts';
import type { T } from '../i18n/index.ts';
import { WEBHOOK_EVENTS, OPT_IN_EVENTS } from './events.ts';
import type { Delivery, Webhook } from './store.ts';

export interface Message {
  readonly kind: 'error' | 'success';
  readonly text: string;
}

const secretNotice = (t: T, secret: string | null): Html =>
  secret
    ? html`<div class="notice notice-success" role="status"><p><strong>${t('apps:webhooks.copySecret')}</strong></p><p><code class="uri" id="webhook-secret">${secret}</code></p><p class="hint">${t.html('apps:webhooks.verifyHint')}</p></div>`
    : html``;

const eventsText = (t: T, events: readonly string[]): string =>
  events.includes('*') ? t('apps:webhooks.allEvents') : events.join(', ');

const stateText = (t: T, webhook: Webhook): string =>
  t(
    webhook.enabled
      ? 'apps:webhooks.on'
      : webhook.disabledReason === 'failing'
        ? 'apps:webhooks.offFailing'
        : 'apps:webhooks.off',
  );

export function webhooksView(
  t: T,
  orgId: string,
  orgName: string,
  webhooks: readonly Webhook[],
  csrf: string,
  secret: string | null,
  message: Message | null,
): Html {
  const base = `/orgs/${orgId}/webhooks`;
  return html`<h1>${t('apps:webhooks.title', { org: orgName })}</h1>
${notice(message?.kind ?? 'info', message?.text)}${secretNotice(t, secret)}
<section class="card" aria-labelledby="endpoints-title">
  <h2 id="endpoints-title">${t('apps:webhooks.endpoints')}</h2>
  <p>${t('apps:webhooks.intro', { org: orgName })}</p>
  ${
    webhooks.length === 0
      ? html`<p class="muted">${t('apps:webhooks.noEndpoints')}</p>`
      : html`<ul class="plain-list">${webhooks.map(
          (w) => html`<li><a href="${base}/${w.id}"><code class="uri">${w.url}</code></a>
      <span class="badge ${w.enabled ? 'ok' : 'warn'}">${stateText(t, w)}</span>
      <br><span class="muted">${eventsText(t, w.events)}</span></li>`,
        )}</ul>`
  }
</section>
<section class="card" aria-labelledby="add-webhook-title">
  <h2 id="add-webhook-title">${t('apps:webhooks.addTitle')}</h2>
  <form method="post" action="${base}">
    ${csrfInput(csrf)}
    <label for="webhook-url">${t.html('apps:webhooks.url')}</label>
    <input id="webhook-url" name="url" type="url" maxlength="2000" required placeholder="https://example.com/hooks/twofold">
    <fieldset>
      <legend>${t('apps:webhooks.events')}</legend>
      <label class="check"><input type="checkbox" name="events" value="*" checked> ${t.html('apps:webhooks.allEventsNotSignIns')}</label>
      ${WEBHOOK_EVENTS.map(
        (e) =>
          html`<label class="check"><input type="checkbox" name="events" value="${e}"> <code>${e}</code>${OPT_IN_EVENTS.has(e) ? html` <span class="muted">${t('apps:webhooks.perSignIn')}</span>` : ''}</label>`,
      )}
    </fieldset>
    <button type="submit">${t('apps:webhooks.addButton')}</button>
  </form>
</section>`;
}

export function webhookView(
  t: T,
  orgId: string,
  webhook: Webhook,
  deliveries: readonly Delivery[],
  csrf: string,
  secret: string | null,
  message: Message | null,
  now: string,
): Html {
  const base = `/orgs/${orgId}/webhooks/${webhook.id}`;
  return html`<p><a href="/orgs/${orgId}/webhooks">${t('apps:webhooks.back')}</a></p>
<h1>${t('apps:webhooks.endpointTitle')}</h1>
${notice(message?.kind ?? 'info', message?.text)}${secretNotice(t, secret)}
<section class="card" aria-labelledby="endpoint-title">
  <h2 id="endpoint-title"><code class="uri">${webhook.url}</code></h2>
  <p>${eventsText(t, webhook.events)} · <span class="badge ${webhook.enabled ? 'ok' : 'warn'}">${stateText(t, webhook)}</span></p>
  ${webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > now ? html`<p class="hint">${t.html('apps:webhooks.previousSigns', { when: moment(t, webhook.previousSecretExpiresAt) })}</p>` : ''}
  <div class="row-actions">
    <form method="post" action="${base}/toggle" class="inline">${csrfInput(csrf)}<button type="submit" class="secondary">${t(webhook.enabled ? 'apps:webhooks.turnOff' : 'apps:webhooks.turnOn')}</button></form>
    <form method="post" action="${base}/rotate-secret" class="inline">${csrfInput(csrf)}
      <label for="keep-old">${t('apps:webhooks.keepOld')}</label>
      <select id="keep-old" name="keepOldSecretHours"><option value="24">${t('apps:shared.keep24')}</option><option value="1">${t('apps:shared.keep1')}</option><option value="168">${t('apps:shared.keep168')}</option><option value="0">${t('apps:shared.keep0')}</option></select>
      <button type="submit" class="secondary">${t('apps:shared.newSecret')}</button></form>
    <form method="post" action="${base}/delete" class="inline">${csrfInput(csrf)}<button type="submit" class="danger">${t('apps:webhooks.deleteEndpoint')}</button></form>
  </div>
</section>
<section class="card" aria-labelledby="deliveries-title">
  <h2 id="deliveries-title">${t('apps:webhooks.deliveries')}</h2>
  ${
    deliveries.length === 0
      ? html`<p class="muted">${t('apps:webhooks.noMessages')}</p>`
      : html`<div class="table-scroll" role="region" aria-labelledby="deliveries-title" tabindex="0"><table>
    <caption class="sr-only">${t('apps:webhooks.caption')}</caption>
    <thead><tr><th scope="col">${t('apps:webhooks.colEvent')}</th><th scope="col">${t('apps:webhooks.colWhen')}</th><th scope="col">${t('apps:webhooks.colStatus')}</th><th scope="col">${t('apps:webhooks.colAnswer')}</th><th scope="col"><span class="sr-only">${t('apps:shared.actions')}</span></th></tr></thead>
    <tbody>${deliveries.map(
      (d) => html`<tr>
      <td><code>${d.eventType}</code><br><span class="muted">${d.id}</span></td>
      <td class="nowrap">${moment(t, d.createdAt)}</td>
      <td>${t(d.status === 'delivered' ? 'apps:webhooks.delivered' : d.status === 'failed' ? 'apps:webhooks.failed' : 'apps:webhooks.retrying')} <span class="muted">${t('apps:webhooks.attempts', { count: d.attempts })}</span></td>
      <td>${d.responseStatus ?? ''} ${d.lastError && d.status !== 'delivered' ? html`<span class="muted">${d.lastError}</span>` : ''}</td>
      <td>${d.status !== 'pending' && webhook.enabled ? html`<form method="post" action="${base}/deliveries/${d.id}/redeliver" class="inline">${csrfInput(csrf)}<button type="submit" class="secondary small">${t('apps:webhooks.sendAgain')}<span class="sr-only"> ${d.id}</span></button></form>` : ''}</td>
    </tr>`,
    )}</tbody></table></div>`
  }
</section>`;
}
