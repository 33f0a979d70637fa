/**
 * Profile → Security → "Add a passkey" (sudo + a name; the browser ceremony runs in /static/webauthn.js,
 * which posts the response back here so the backup codes of a first factor are rendered on the server).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LocalizableError } from '../../i18n/index.ts';
import { issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import { requireRecentReauthentication } from '../../flows/acting.ts';
import { finishEnrolment } from '../../flows/factors.ts';
import { pageFrame } from '../../pages/page.ts';
import { shownOnPage } from '../../pages/confirm-pages.ts';
import { backupCodesView } from '../../pages/security-views.ts';
import { passkeyFactor } from './factor.ts';
import { passkeySetupView, WEBAUTHN_SCRIPT } from './views.ts';

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

  async function renderSetup(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const view = passkeySetupView(t, frame.csrf, error ? t.error(error) : null);
    return frame.send(status, t('security:passkey.title'), view, [WEBAUTHN_SCRIPT]);
  }

  app.get(SETUP_PATH, async (request, reply) => {
    // The form leads to the registration options, which need a fresh re-authentication: ask for it first.
    requireRecentReauthentication(ctx, requireSession(request, { enrolment: true }));
    return renderSetup(request, reply, 200, null);
  });

  app.post(SETUP_PATH, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    try {
      const response = parseJson((request.body as Body).response);
      const done = await finishEnrolment(ctx, { session, meta: meta(request) }, passkeyFactor, { response });
      if (!done.backupCodes) return reply.redirect('/profile/security?done=passkey_added', 303);
      if (done.sessionToken) issueSessionCookie(ctx, reply, done.sessionToken, session.remember);
      const frame = await pageFrame(ctx, request, reply);
      const view = backupCodesView(
        frame.t,
        done.backupCodes,
        ctx.config.productName,
        session.user.email,
        true,
        '/profile/security?done=passkey_added',
      );
      return frame.send(200, frame.t('security:backupCodes.pageTitle'), view, ['/static/backup-codes.js']);
    } catch (error) {
      if (shownOnPage(error)) return renderSetup(request, reply, error.status, error);
      throw error;
    }
  });
}
