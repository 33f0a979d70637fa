/**
 * Org admins move members in by pasting CSV (email, role, name, password_hash, totp_secret): the import
 * flow (src/flows/import-members.ts) places every row in this org. Large files go through the CLI.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMIT_BYTES } from '../config/defaults.ts';
import { meta, requireSession } from '../http/request.ts';
import { importIntoOrg } from '../flows/import-members.ts';
import { requireManager } from '../orgs/service.ts';
import type { ImportReport } from '../import/importer.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { AppError } from '../errors.ts';

export async function importPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    report: ImportReport | null,
    rejected: string[],
    error: string | null,
  ) {
    const session = requireSession(request);
    const { org } = await requireManager(ctx, (request.params as { orgId: string }).orgId, session.userId);
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(
      status,
      'Import members',
      html`<h1>Import members — ${org.name}</h1>
${notice('error', error)}
${report ? html`<div class="notice notice-success" role="status">Read ${report.read} rows: ${report.imported} new accounts, ${report.existing} already had an account and joined, ${report.rejected} rejected.</div>` : ''}
${rejected.length ? html`<section class="card" aria-labelledby="rejected-title"><h2 id="rejected-title">Rejected rows</h2><ul>${rejected.map((r) => html`<li>${r}</li>`)}</ul></section>` : ''}
<section class="card" aria-labelledby="import-title">
  <h2 id="import-title">Paste CSV</h2>
  <p>One member per line with a header: <code>email,role,name,password_hash,totp_secret</code>. Only email and role are required.
  Existing password hashes (argon2, bcrypt, scrypt, PBKDF2) keep working and become argon2id at the next sign-in; an existing
  authenticator secret (base32) keeps people's app entry working. For more than about a thousand rows, use <code>twofold import</code>.</p>
  <form method="post" action="/orgs/${org.id}/import">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <label for="csv">Members (CSV)</label>
    <textarea id="csv" name="csv" rows="10" required></textarea>
    <button type="submit">Import</button>
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
