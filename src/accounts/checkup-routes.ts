/** JSON route of the 2FA check-up that a sign-in answer announces with `checkup: {due: true}`. */
import type { FastifyInstance } from 'fastify';
import { object } from '../http/schema.ts';
import { actingOf } from '../http/request.ts';
import { answerCheckup } from '../flows/checkup.ts';

export async function checkupRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/me/checkup',
    {
      schema: {
        summary:
          'Answer the 2FA check-up: "done" (needs a second-factor proof within the sudo window — the sign-in itself, or re-authentication — and confirms the backup codes are still at hand) or "skip" (once; the second skip ends it)',
        body: object({ action: { type: 'string', enum: ['done', 'skip'] } }, ['action']),
      },
    },
    async (request) => {
      const by = actingOf(request);
      return answerCheckup(ctx, by, (request.body as { action: 'done' | 'skip' }).action);
    },
  );
}
