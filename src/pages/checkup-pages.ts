/**
 * The 2FA check-up after sign-in (docs/decisions.md "2FA check-up"): an interstitial between the second step
 * and where the person was going. "Done" needs a second-factor proof within the sudo window — the sign-in's own,
 * else "Confirm it's you", which then resumes the answer — and the box "I still have my backup codes"; new
 * backup codes can be had on the way. "Skip for now" works once (the next sign-in asks again).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { meta, requireSession } from '../http/request.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { answerCheckup, checkupAtSignIn } from '../flows/checkup.ts';
import type { User } from '../accounts/service.ts';
import { regenerateBackupCodes } from '../flows/two-factor.ts';
import { checkupOf } from '../accounts/checkup.ts';
import { hasRecentReauth } from '../sessions/service.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { backupCodesView } from './security-views.ts';
import { csrfInput, textField } from './ui.ts';
import type { LocalizableError } from '../i18n/index.ts';

/** Where a page sign-in goes next: the check-up first when it is due. */
export async function afterSignIn(ctx: Ctx, user: User, destination: string): Promise<string> {
  if (!(await checkupAtSignIn(ctx, user)).checkup) return destination;
  return `/sign-in/checkup?next=${encodeURIComponent(destination)}`;
}

export async function checkupPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const nextOf = (source: unknown): string =>
    safeReturnTo(ctx.config, (source as { next?: unknown } | undefined)?.next, '/profile');

  async function show(request: FastifyRequest, reply: FastifyReply, status: number, error: LocalizableError | null) {
    const session = requireSession(request);
    const next = nextOf(request.method === 'GET' ? request.query : request.body);
    const checkup = await checkupOf(ctx, session.userId);
    if (checkup.status !== 'due') return reply.redirect(next, 303);
    const fresh = hasRecentReauth(ctx, session);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('auth:checkup.title'),
      html`<section class="card narrow" aria-labelledby="checkup-title">
  <h1 id="checkup-title">${t('auth:checkup.heading')}</h1>
  ${notice('error', error ? t.error(error) : null)}
  <p>${t('auth:checkup.intro')}</p>
  <ol>
    <li>${fresh ? t('auth:checkup.stepFresh') : t('auth:checkup.stepConfirm')}</li>
    <li>${t('auth:checkup.stepCodes')}</li>
  </ol>
  <form method="post" action="/sign-in/checkup">
    ${csrfInput(frame.csrf)}
    <input type="hidden" name="next" value="${next}">
    <label class="checkbox"><input type="checkbox" name="haveCodes" value="1"> ${t('auth:checkup.haveCodes')}</label>
    <div class="row-actions">
      <button type="submit" name="action" value="done">${t('auth:checkup.done')}</button>
      <button type="submit" name="action" value="new_codes" class="secondary">${t('auth:checkup.newCodes')}</button>
      <button type="submit" name="action" value="skip" class="secondary">${checkup.skips === 0 ? t('auth:checkup.skip') : t('auth:checkup.skipLast')}</button>
    </div>
    ${checkup.skips === 0 ? html`<p class="hint">${t('auth:checkup.skipHint')}</p>` : ''}
  </form>
</section>`,
    );
  }

  app.get('/sign-in/checkup', async (request, reply) => show(request, reply, 200, null));

  app.post('/sign-in/checkup', async (request, reply) => {
    const session = requireSession(request);
    const by = { session, meta: meta(request) };
    const next = nextOf(request.body);
    const action = textField(request.body, 'action', 20);
    try {
      if (action === 'skip') {
        await answerCheckup(ctx, by, 'skip');
        return reply.redirect(next, 303);
      }
      if (action !== 'done' && action !== 'new_codes')
        throw new AppError('invalid_request', { details: { field: 'action' } });
      if (action === 'done' && textField(request.body, 'haveCodes') !== '1')
        throw new AppError('invalid_request', {
          key: 'auth:errors.tickBackupCodes',
          details: { field: 'haveCodes' },
        });
      await answerCheckup(ctx, by, 'done');
      if (action === 'done') return reply.redirect(next, 303);
      const codes = await regenerateBackupCodes(ctx, by);
      const frame = await pageFrame(ctx, request, reply);
      const view = html`${backupCodesView(frame.t, codes, ctx.config.productName, session.user.email, false)}
<p><a href="${next}">${frame.t('auth:checkup.continue')}</a></p>`;
      return frame.send(200, frame.t('auth:checkup.title'), view, ['/static/backup-codes.js']);
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this answer.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (error instanceof AppError && error.status < 500) return show(request, reply, error.status, error);
      throw error;
    }
  });
}
