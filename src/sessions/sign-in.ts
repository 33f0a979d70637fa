/**
 * The password step of sign-in, as an ordered list of checks:
 * credentials (throttled per IP by the route and per account here) → second step? → new session.
 * The second step is asked whenever the user has any registered factor (src/factors): neither a password
 * reset nor "remember me" changes that.
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { checkCredentials, type User } from '../accounts/service.ts';
import { methodsForUser } from '../factors/index.ts';
import type { SecondFactorMethod } from '../factors/factor.ts';
import { createSession, type SessionView } from './service.ts';

export type PasswordStepResult =
  | { readonly status: 'signed_in'; readonly user: User; readonly token: string; readonly session: SessionView }
  | { readonly status: 'second_factor_required'; readonly user: User; readonly methods: readonly SecondFactorMethod[] };
// The second_factor_required branch is taken by the route once factors are registered (src/factors/index.ts);
// the challenge it opens lives with the factors.

export async function passwordStep(
  ctx: Ctx,
  input: { email: string; password: string; rememberMe: boolean },
  meta: RequestMeta,
): Promise<PasswordStepResult> {
  const user = await checkCredentials(ctx, input.email, input.password, meta);
  const methods = await methodsForUser(ctx, user.id);
  if (methods.length > 0) return { status: 'second_factor_required', user, methods };
  const { token, session } = await createSession(ctx, { userId: user.id, amr: ['pwd'], remember: input.rememberMe }, meta);
  await finishSignIn(ctx, user, ['pwd'], meta);
  return { status: 'signed_in', user, token, session };
}

/** Bookkeeping after any successful sign-in. */
export async function finishSignIn(ctx: Ctx, user: User, amr: readonly string[], meta: RequestMeta): Promise<void> {
  await ctx.db.kysely.updateTable('users').set({ last_sign_in_at: ctx.clock().toISOString() }).where('id', '=', user.id).execute();
  await audit(ctx, meta, { event: 'sign_in.succeeded', actorUserId: user.id, targetUserId: user.id, details: { amr: amr.join(' ') } });
}
