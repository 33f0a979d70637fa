/**
 * Org admins move members in by pasting CSV (email, role, name, password_hash, totp_secret): the import
 * flow (src/flows/import-members.ts) places every row in this org. Large files go through the CLI.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMIT_BYTES } from '../config/defaults.ts';
import { meta, requireSession } from '../http/request.ts';
import { importIntoOrg, type RejectedRow } from '../flows/import-members.ts';
import { ROLES } from '../db/schema.ts';
import { requireManager } from '../orgs/service.ts';
import type { ImportReport } from '../import/importer.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { AppError } from '../errors.ts';
import type { LocalizableError, T } from '../i18n/index.ts';

/** "Line 3 (ann@x.test): email is missing or not valid", in the reader's language. */
function rejectedRow(t: T, row: RejectedRow): string {
  const problem = t(`org:import.problems.${row.problem}`, { roles: ROLES.join(', ') });
  return row.email
    ? t('org:import.rejectedRowOf', { line: row.line, email: row.email, problem })
    : t('org:import.rejectedRow', { line: row.line, problem });
}

export async function importPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    report: ImportReport | null,
    rejected: readonly RejectedRow[],
    error: LocalizableError | null,
  ) {
    const session = requireSession(request);
    const { org } = await requireManager(ctx, (request.params as { orgId: string }).orgId, session.userId);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('org:import.title'),
      html`<h1>${t('org:import.heading', { org: org.name })}</h1>
${notice('error', error ? t.error(error) : null)}
${report ? html`<div class="notice notice-success" role="status">${t('org:import.report', { read: report.read, imported: report.imported, existing: report.existing, rejected: report.rejected })}</div>` : ''}
${rejected.length ? html`<section class="card" aria-labelledby="rejected-title"><h2 id="rejected-title">${t('org:import.rejectedHeading')}</h2><ul>${rejected.map((r) => html`<li>${rejectedRow(t, r)}</li>`)}</ul></section>` : ''}
<section class="card" aria-labelledby="import-title">
  <h2 id="import-title">${t('org:import.pasteHeading')}</h2>
  <p>${t.html('org:import.intro')}</p>
  <form method="post" action="/orgs/${org.id}/import">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <label for="csv">${t('org:import.csvLabel')}</label>
    <textarea id="csv" name="csv" rows="10" required></textarea>
    <button type="submit">${t('org:import.button')}</button>
  </form>
</section>`,
    );
  }

  app.get('/orgs/:orgId/import', async (request, reply) => render(request, reply, 200, null, [], null));

  app.post('/orgs/:orgId/import', async (request, reply) => {
    const session = requireSession(request);
    const { org } = await requireManager(ctx, (request.params as { orgId: string }).orgId, session.userId);
    const csv = String((request.body as { csv?: string }).csv ?? '').slice(0, BODY_LIMIT_BYTES);
    try {
      const { report, rejected } = await importIntoOrg(ctx, { session, meta: meta(request) }, { orgId: org.id, csv });
      return render(request, reply, 200, report, rejected, null);
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this action.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      throw error;
    }
  });
}
