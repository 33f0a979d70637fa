/**
 * A person's own factors, whichever factor it is (through the contract): adding one (begin needs sudo; the
 * first one turns 2FA on and raises the session's assurance), removing one (sudo; the last one turns 2FA off
 * unless an org requires it), renaming one, and choosing the one offered first at sign-in.
 */
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import { setDefaultMethod } from '../accounts/store.ts';
import { rotateSession } from '../sessions/service.ts';
import { FACTORS, factorById, factorName, listFactors } from '../factors/index.ts';
import { orgsRequiringTwoFactor } from '../orgs/policy.ts';
import type { RequestMeta } from '../audit/store.ts';
import type { Enrolled, Enrollee, Factor, FactorAdded, MethodPolicy } from '../factors/factor.ts';
import { enrolleeOf, methodPolicy, requireRecentReauthentication, type Acting } from './acting.ts';
import { disableTwoFactor, notifyFactorAdded, notifyFactorRemoved, recordFactorAdded } from './two-factor.ts';

/** An enrolment step, typed by the factor that the route or page names (its input and result kept). */
type Step<I, S> = (ctx: Ctx, who: Enrollee, input: I, meta: RequestMeta, policy: MethodPolicy) => Promise<S>;
type Finish<I> = (
  ctx: Ctx,
  who: Enrollee,
  input: I,
  added: FactorAdded,
  meta: RequestMeta,
  policy: MethodPolicy,
) => Promise<Enrolled>;

/** Starts adding a factor: a secret, registration options, or a code sent (sudo, and the org policy). */
export async function beginEnrolment<Begin, Started>(
  ctx: Ctx,
  by: Acting,
  factor: { readonly enrol: { readonly begin: Step<Begin, Started> } },
  input: Begin,
): Promise<Started> {
  requireRecentReauthentication(ctx, by.session);
  const who = await enrolleeOf(ctx, by.session.user);
  return factor.enrol.begin(ctx, who, input, by.meta, methodPolicy(ctx, who.id, 'enrol'));
}

/** A new code for a pending enrolment (factors whose code is sent). */
export async function resendEnrolmentCode<Resend, Started>(
  ctx: Ctx,
  by: Acting,
  factor: { readonly enrol: { readonly resend?: Step<Resend, Started> } },
  input: Resend,
): Promise<Started> {
  const resend = factor.enrol.resend;
  if (!resend) throw new AppError('not_found');
  const who = await enrolleeOf(ctx, by.session.user);
  return resend(ctx, who, input, by.meta, methodPolicy(ctx, who.id, 'enrol'));
}

export interface EnrolmentDone extends Enrolled {
  /** The first factor changed the session's assurance: its new token (the old one stopped working). */
  readonly sessionToken: string | null;
}

/** Finishes adding a factor with the answer; the first one turns 2FA on and returns backup codes once. */
export async function finishEnrolment<Input>(
  ctx: Ctx,
  by: Acting,
  factor: { readonly id: string; readonly enrol: { readonly finish: Finish<Input> } },
  input: Input,
): Promise<EnrolmentDone> {
  const user = by.session.user;
  const who = await enrolleeOf(ctx, user);
  const done = await factor.enrol.finish(
    ctx,
    who,
    input,
    (tx, what) => recordFactorAdded(tx, user, { type: factor.id, label: what.label }, by.meta),
    by.meta,
    methodPolicy(ctx, who.id, 'enrol'),
  );
  if (!done.changed) await notifyFactorAdded(ctx, user, { type: factor.id, label: done.factor.label });
  if (!done.backupCodes) return { ...done, sessionToken: null };
  // 2FA just turned on: a change of assurance, so a new token, the new amr and a fresh sudo window.
  const session = by.session;
  const amr = [...new Set([...session.amr, ...done.amr, 'mfa'])];
  return { ...done, sessionToken: await rotateSession(ctx, session.id, { amr, reauthenticated: true }) };
}

/** What removing one factor would do, as the "Remove …?" step says it before anything happens. */
export interface FactorRemoval {
  /** `kind`: what it is, in the Security page's words ("Authenticator app"). */
  readonly factor: { readonly id: string; readonly type: string; readonly label: string; readonly kind: string };
  /** It is the person's last method: 2FA turns off with it (backup codes and trusted browsers go too). */
  readonly last: boolean;
  /** The orgs that require 2FA of the person: the last method cannot be removed while any does. */
  readonly requiredBy: readonly string[];
}

/** The one reading of "what happens if this factor goes", for the question and for the removal itself. */
export async function factorRemoval(ctx: Ctx, by: Acting, factorId: string): Promise<FactorRemoval> {
  const userId = by.session.userId;
  const primary: readonly Factor[] = FACTORS.filter((f) => f.primary);
  const all = await Promise.all(primary.map(async (f) => ({ factor: f, entries: await f.list(ctx, userId) })));
  const owner = all.find((a) => a.entries.some((e) => e.id === factorId));
  if (!owner) throw new AppError('not_found');
  const entry = owner.entries.find((e) => e.id === factorId)!;
  const last = all.reduce((n, a) => n + a.entries.length, 0) === 1;
  return {
    factor: {
      id: factorId,
      type: owner.factor.id,
      label: entry.label,
      kind: factorName(owner.factor.id),
    },
    last,
    requiredBy: last ? await orgsRequiringTwoFactor(ctx, userId) : [],
  };
}

/** Removes one factor (sudo); the last primary one turns 2FA off (refused while an org requires it). */
export async function removeFactor(ctx: Ctx, by: Acting, factorId: string): Promise<{ twoFactorOff: boolean }> {
  requireRecentReauthentication(ctx, by.session);
  const user = by.session.user;
  const removal = await factorRemoval(ctx, by, factorId);
  const entry = { type: removal.factor.type, label: removal.factor.label };
  const removed = { event: 'factor.removed', actorUserId: user.id, targetUserId: user.id, details: entry } as const;
  if (removal.last) {
    await disableTwoFactor(ctx, user, by.meta, 'last_factor_removed');
    await audit(ctx, by.meta, removed);
    return { twoFactorOff: true };
  }
  if (!(await factorById(removal.factor.type)!.remove(ctx, user.id, factorId))) throw new AppError('not_found');
  await audit(ctx, by.meta, removed);
  await notifyFactorRemoved(ctx, user, entry);
  return { twoFactorOff: false };
}

/**
 * Renames one of the person's factors and/or makes it the default (its first method is offered first at
 * sign-in). Factors without a name of their own, like a phone number, keep theirs.
 */
export async function changeFactor(
  ctx: Ctx,
  by: Acting,
  factorId: string,
  change: { label?: string; isDefault?: boolean },
): Promise<void> {
  const userId = by.session.userId;
  const entry = (await listFactors(ctx, userId)).find((f) => f.id === factorId);
  if (!entry) throw new AppError('not_found');
  if (change.label !== undefined) {
    const label = change.label.trim();
    if (!label)
      throw new AppError('invalid_request', {
        key: 'errors:messages.factors.nameMissing',
        details: { field: 'label' },
      });
    const factor = factorById(entry.type);
    if (factor?.rename && (await factor.rename(ctx, userId, factorId, label))) {
      await audit(ctx, by.meta, {
        event: 'factor.renamed',
        actorUserId: userId,
        targetUserId: userId,
        details: { type: entry.type, label },
      });
    }
  }
  if (change.isDefault === true) await setDefaultMethod(ctx, userId, entry.methods[0] ?? null);
}
