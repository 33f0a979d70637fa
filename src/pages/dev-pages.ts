/**
 * Development only: the mail outbox as a page, so invitations and reset links can be followed without
 * an SMTP server. In production (NODE_ENV=production) the route answers 404 like any unknown page.
 * It shows reset and recovery links and SMS codes, so even in development only someone on this machine
 * (a loopback client, src/http/client-address.ts) or a signed-in owner or admin of an org may read it;
 * anyone else gets 403 with that explanation.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { isLoopbackClient } from '../http/client-address.ts';
import { listOutbox } from '../mail/queue.ts';
import { isManager, membershipsOf } from '../orgs/service.ts';
import { html, type Html } from '../core/html.ts';
import { pageFrame } from './page.ts';
import { moment } from './ui.ts';

const OUTBOX_ROWS = 50;
/** http(s) links in a message text; everything around them is escaped text. */
const LINK = /https?:\/\/[^\s<>"']+/g;

/** The text of a message with its links clickable; every other character goes through escaping. */
export function linkify(text: string): Html {
  const parts: Html[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const url = match[0].replace(/[.,;:!?)]+$/, '');
    const start = match.index;
    parts.push(html`${text.slice(last, start)}<a href="${url}">${url}</a>`);
    last = start + url.length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}

/** A full session (second step done, not held at enrolment) of an owner or admin of some org. */
async function isOrgManager(ctx: Ctx, request: FastifyRequest): Promise<boolean> {
  const session = request.session;
  if (!session || session.kind !== 'full' || session.apiKey || session.enrollmentRequired) return false;
  return (await membershipsOf(ctx, session.userId)).some((m) => isManager(m.role));
}

export async function devPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get('/dev/outbox', { config: { public: true } }, async (request, reply) => {
    if (ctx.config.production) throw new AppError('not_found');
    if (!isLoopbackClient(request) && !(await isOrgManager(ctx, request))) {
      throw new AppError('forbidden', { key: 'apps:errors.outboxForbidden' });
    }
    const rows = await listOutbox(ctx.db, OUTBOX_ROWS);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      200,
      t('apps:outbox.title'),
      html`<div class="page-head"><h1>${t('apps:outbox.heading')}</h1><p class="muted">${t('apps:outbox.intro', { rows: OUTBOX_ROWS })}</p></div>
${
  rows.length === 0
    ? html`<section class="card"><p class="empty">${t('apps:outbox.none')}</p></section>`
    : rows.map(
        (r) => html`<article class="card mail-item" aria-labelledby="mail-${r.id}">
  <h2 id="mail-${r.id}">${r.subject}</h2>
  <dl class="facts compact">
    <dt>${t('apps:outbox.to')}</dt><dd>${r.recipient}</dd>
    <dt>${t('apps:outbox.channel')}</dt><dd>${r.channel}</dd>
    <dt>${t('apps:outbox.status')}</dt><dd><span class="badge">${r.status}</span></dd>
    <dt>${t('apps:outbox.time')}</dt><dd>${moment(t, r.createdAt)}</dd>
  </dl>
  <pre class="mail">${linkify(r.text)}</pre>
</article>`,
      )
}`,
    );
  });
}
