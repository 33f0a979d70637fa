/**
 * Profile → Security → "Add a passkey" (sudo + a name; the browser ceremony runs in /static/webauthn.js,
 * which posts the response back here so the backup codes of a first factor are rendered on the server),
 * and renaming a method.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PASSKEY } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { audit } from '../context.ts';
import { hasRecentReauth } from '../sessions/service.ts';
import { meta, requireSession, upgradeAfterFirstFactor } from '../http/request.ts';
import { listFactors, renameFactor } from '../factors/index.ts';
import { finishPasskeySetup } from '../factors/passkey/routes.ts';
import { pageFrame } from './page.ts';
import { passkeySetupView, WEBAUTHN_SCRIPT } from './passkey-views.ts';
import { backupCodesView } from './security-views.ts';

type Body = Record<string, string | undefined>;

const SETUP_PATH = '/profile/security/passkey';

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '') as unknown;
  } catch {
    return null;
  }
}

export async function passkeyPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function renderSetup(request: FastifyRequest, reply: FastifyReply, status: number, error: string | null) {
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(status, 'Add a passkey', passkeySetupView(frame.csrf, error), [WEBAUTHN_SCRIPT]);
  }

  app.get(SETUP_PATH, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    if (!hasRecentReauth(ctx, session))
      return reply.redirect(`/profile/security/confirm?next=${encodeURIComponent(SETUP_PATH)}`, 303);
    return renderSetup(request, reply, 200, null);
  });

  app.post(SETUP_PATH, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    try {
      const result = await finishPasskeySetup(
        ctx,
        session.user,
        parseJson((request.body as Body).response),
        meta(request),
      );
      if (!result.backupCodes) return reply.redirect('/profile/security?done=passkey_added', 303);
      await upgradeAfterFirstFactor(ctx, request, reply, [result.amr]);
      const frame = await pageFrame(ctx, request, reply);
      const view = backupCodesView(
        result.backupCodes,
        ctx.config.productName,
        session.user.email,
        true,
        '/profile/security?done=passkey_added',
      );
      return frame.send(200, 'Save your backup codes', view, ['/static/backup-codes.js']);
    } catch (error) {
      if (error instanceof AppError && error.status < 500)
        return renderSetup(request, reply, error.status, error.message);
      throw error;
    }
  });

  app.post('/profile/security/factors/:id/rename', async (request, reply) => {
    const session = requireSession(request);
    const { id } = request.params as { id: string };
    const label = ((request.body as Body).label ?? '').trim().slice(0, PASSKEY.labelMaxLength);
    const factor = (await listFactors(ctx, session.userId)).find((f) => f.id === id);
    if (!factor) throw new AppError('not_found');
    if (!label) throw new AppError('invalid_request', { message: 'Enter a name.' });
    if (await renameFactor(ctx, session.userId, id, label)) {
      await audit(ctx, meta(request), {
        event: 'factor.renamed',
        actorUserId: session.userId,
        targetUserId: session.userId,
        details: { type: factor.type, label },
      });
    }
    return reply.redirect('/profile/security?done=renamed', 303);
  });
}
