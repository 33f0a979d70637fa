/**
 * What every flow of a signed-in person starts from: who acts (their session) and from where (for audit and
 * per-address limits), and the sudo rule.
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { hasRecentReauth, type CurrentSession } from '../sessions/service.ts';

export interface Acting {
  readonly session: CurrentSession;
  readonly meta: RequestMeta;
}

/**
 * Sudo (PRODUCT.md "Sudo"): a sensitive change needs a re-authentication within the last 10 minutes. JSON
 * clients get 403 reauthentication_required; pages send the person to "Confirm it's you".
 */
export function requireRecentReauthentication(ctx: Ctx, session: CurrentSession): void {
  if (!hasRecentReauth(ctx, session)) throw new AppError('reauthentication_required');
}
