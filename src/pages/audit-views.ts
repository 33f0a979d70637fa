/** Markup for audit events (the org's log and a person's own activity) and their paging cursor. */
import { AppError } from '../errors.ts';
import type { AuditRow } from '../audit/store.ts';
import { html, type Html } from '../core/html.ts';
import { moment, textField } from './ui.ts';
import type { MessageKey, T } from '../i18n/index.ts';
import enOrg from '../i18n/catalog/en/org.ts';

/** Plain-language names for the events (org:events, nested as the ids are); the event id is shown beside them. */
export function eventLabel(t: T, event: string): string {
  let node: unknown = enOrg.events;
  for (const part of event.split('.'))
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string' ? t(`org:events.${event}` as MessageKey) : event.replace(/[._]/g, ' ');
}

const CURSOR = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\|[A-Za-z0-9_-]{1,64}$/;

/** The `before` paging cursor from the query string (the previous page's nextCursor), validated. */
export function cursorParam(query: unknown): string | undefined {
  const value = textField(query, 'before', 200);
  if (!value) return undefined;
  if (!CURSOR.test(value))
    throw new AppError('invalid_request', { key: 'org:errors.pageLink', details: { field: 'before' } });
  return value;
}

function detailsList(details: Record<string, unknown>): Html {
  const entries = Object.entries(details);
  if (entries.length === 0) return html`—`;
  return html`<ul class="kv">${entries.map(([key, value]) => html`<li><span class="k">${key}</span> ${typeof value === 'string' ? value : JSON.stringify(value)}</li>`)}</ul>`;
}

export function auditTable(
  t: T,
  rows: readonly AuditRow[],
  options: { readonly people: boolean; readonly caption: string },
): Html {
  if (rows.length === 0) return html`<p class="empty">${t('org:audit.noEvents')}</p>`;
  return html`<div class="table-scroll" role="region" aria-label="${options.caption}" tabindex="0">
<table class="audit">
  <caption class="sr-only">${options.caption}</caption>
  <thead><tr>
    <th scope="col">${t('org:audit.columns.time')}</th><th scope="col">${t('org:audit.columns.event')}</th>
    ${options.people ? html`<th scope="col">${t('org:audit.columns.actor')}</th><th scope="col">${t('org:audit.columns.target')}</th>` : ''}
    <th scope="col">${t('org:audit.columns.ip')}</th><th scope="col">${t('org:audit.columns.userAgent')}</th><th scope="col">${t('org:audit.columns.details')}</th>
  </tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr>
    <td class="nowrap">${moment(t, r.at)}</td>
    <td>${eventLabel(t, r.event)}<br><code class="event">${r.event}</code></td>
    ${options.people ? html`<td>${r.actorEmail ?? html`<span class="muted">—</span>`}</td><td>${r.targetEmail ?? html`<span class="muted">—</span>`}</td>` : ''}
    <td class="nowrap">${r.ip || '—'}</td>
    <td>${r.userAgent ? html`<details class="ua"><summary>${t.browser(r.userAgent)}</summary><span>${r.userAgent}</span></details>` : '—'}</td>
    <td class="details">${detailsList(r.details)}</td>
  </tr>`,
  )}</tbody>
</table>
</div>`;
}

/** "Newest" / "Older" links; `base` already carries the filters (and ends in ? or &). */
export function pager(t: T, base: string, before: string | undefined, nextCursor: string | null): Html {
  if (!before && !nextCursor) return html``;
  const trimmed = base.replace(/[?&]$/, '');
  return html`<nav class="pager" aria-label="${t('org:audit.pages')}">
  ${before ? html`<a href="${trimmed}">${t('org:audit.newest')}</a>` : ''}
  ${nextCursor ? html`<a href="${base}before=${encodeURIComponent(nextCursor)}" rel="next">${t('org:audit.older')}</a>` : ''}
</nav>`;
}
