/**
 * A flow that needs a fresh re-authentication throws `reauthentication_required`; a page answers it by
 * sending the person to "Confirm it's you", which brings them back to `next` afterwards.
 */
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors.ts';

/** The redirect to the confirm page when `error` asks for a re-authentication; null for any other error. */
export function confirmFirst(error: unknown, reply: FastifyReply, next: string): FastifyReply | null {
  if (!(error instanceof AppError) || error.code !== 'reauthentication_required') return null;
  return reply.redirect(`/profile/security/confirm?next=${encodeURIComponent(next)}`, 303);
}
