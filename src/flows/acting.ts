/**
 * What every flow of a signed-in person starts from: who acts (their session) and from where (for audit and
 * per-address limits), the sudo rule, and the org policy as it applies to them.
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { hasRecentReauth, type CurrentSession } from '../sessions/service.ts';
import { allowedAuthenticatorsFor, assertMethodAllowed, type MethodUse } from '../orgs/policy.ts';
import { membershipsOf } from '../orgs/service.ts';
import type { Enrollee, MethodPolicy } from '../factors/factor.ts';

export interface Acting {
  readonly session: CurrentSession;
  readonly meta: RequestMeta;
}

/**
 * Sudo (docs/product.md "Sudo"): a sensitive change needs a re-authentication within the last 10 minutes. JSON
 * clients get 403 reauthentication_required; pages send the person to "Confirm it's you".
 */
export function requireRecentReauthentication(ctx: Ctx, session: CurrentSession): void {
  if (!hasRecentReauth(ctx, session)) throw new AppError('reauthentication_required');
}

/**
 * Which methods the person may use, for adding one (`enrol`) or using one (`sign_in`, also confirming it's
 * you): the one method rule of src/orgs/policy.ts, and the authenticator models a new passkey may be.
 */
export function methodPolicy(ctx: Ctx, userId: string, use: MethodUse = 'sign_in'): MethodPolicy {
  return {
    assertAllowed: (method) => assertMethodAllowed(ctx, userId, method, use),
    allowedAuthenticators: () => allowedAuthenticatorsFor(ctx, userId),
  };
}

/** A policy for a sign-in that has not named its person yet (passwordless): nothing to apply. */
export const NO_POLICY: MethodPolicy = { assertAllowed: async () => {}, allowedAuthenticators: async () => null };

export async function enrolleeOf(ctx: Ctx, user: CurrentSession['user']): Promise<Enrollee> {
  const memberships = await membershipsOf(ctx, user.id);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    orgNames: memberships.map((m) => m.org.name),
    locale: user.locale,
    timeZone: user.timeZone,
  };
}
