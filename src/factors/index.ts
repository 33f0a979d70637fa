/**
 * The registry: one line per factor. Order is the fallback order of methods at sign-in (the person's
 * default comes first) and the order pages list them in. The method names, the proof union and the
 * JSON-schema enums below are derived from it.
 */
import type { Ctx } from '../context.ts';
import { words, type Factor, type FactorEntry, type MethodDescription, type Words } from './factor.ts';
import { totpFactor } from './totp/factor.ts';
import { emailFactor } from './email/factor.ts';
import { passkeyFactor } from './passkey/factor.ts';
import { phoneFactor } from './phone/factor.ts';
import { backupCodesFactor } from './backup-codes/factor.ts';

export const FACTORS = [totpFactor, passkeyFactor, phoneFactor, emailFactor, backupCodesFactor] as const;

type Registered = (typeof FACTORS)[number];

/** Methods a person can pick at the second step (docs/api.md "methods"). */
export type SecondFactorMethod = Registered['methods'][number];

/** What a person gives for one method: a code, or a passkey's assertion. */
export type Proof = ReturnType<Registered['parseProof']>;

/** The registry seen through the contract alone. */
const ALL: readonly Factor[] = FACTORS;

/** Every method, in registry order: re-authentication and turning 2FA off take any of them. */
export const SECOND_FACTOR_METHODS: readonly SecondFactorMethod[] = FACTORS.flatMap((f) => f.methods);

/** Methods answered with a typed code (the second step's code form; a passkey has its own route). */
export const CODE_METHODS: readonly SecondFactorMethod[] = SECOND_FACTOR_METHODS.filter(
  (m) => describeMethod(m).answer !== 'passkey',
);

/** Methods whose code the server sends (a text, a call, an email): `/sign-in/send` and `/reauthenticate/send`. */
export type SentCodeMethod = Extract<SecondFactorMethod, 'sms' | 'voice' | 'email'>;

export const SENT_CODE_METHODS: readonly SentCodeMethod[] = SECOND_FACTOR_METHODS.filter(
  (m): m is SentCodeMethod => describeMethod(m).answer === 'sent_code',
);

/** Methods a person enrols (those of the primary factors): what an org policy may allow. */
export const ENROLLABLE_METHODS: readonly SecondFactorMethod[] = FACTORS.filter((f) => f.primary).flatMap(
  (f) => f.methods,
);

export function isSecondFactorMethod(value: unknown): value is SecondFactorMethod {
  return SECOND_FACTOR_METHODS.some((m) => m === value);
}

/** The factor that answers `method`. */
export function factorOf(method: SecondFactorMethod): Factor {
  return ALL.find((f) => f.methods.includes(method))!;
}

/** The factor with this id (an entry's `type`). */
export function factorById(id: string): Factor | null {
  return ALL.find((f) => f.id === id) ?? null;
}

/**
 * What a kind of factor is called on every page ("Authenticator app", "Passkey", "Phone number"): the
 * Security page beside each method's own name, the "Remove …?" step, the compliance view.
 */
export function factorName(type: string): Words {
  return factorById(type)?.describe.name ?? words('common:factors.unknown');
}

export function describeMethod(method: SecondFactorMethod): MethodDescription {
  return (factorOf(method).describe.methods as Record<string, MethodDescription>)[method]!;
}

/**
 * A proof as forms and the JSON API carry it — a method's name and one string (a passkey's assertion as
 * JSON) — or null when the method is none of ours.
 */
export function proofFrom(method: unknown, text: string): Proof | null {
  if (!isSecondFactorMethod(method)) return null;
  return factorOf(method).parseProof(method, text) as Proof;
}

/** The methods of the factor whose proofs give `amr` (the one that stood in for the password at sign-in). */
export function methodsGiving(amr: string): readonly string[] {
  return ALL.filter((f) => f.amr.includes(amr)).flatMap((f) => f.methods);
}

/**
 * Every sign-in method the person has, default first. Empty when the person has no primary factor: backup
 * codes alone never make a second step.
 */
export async function methodsForUser(
  ctx: Ctx,
  userId: string,
  defaultMethod: string | null = null,
): Promise<SecondFactorMethod[]> {
  const methods: SecondFactorMethod[] = [];
  let hasPrimary = false;
  for (const factor of FACTORS) {
    const own = await factor.methodsFor(ctx, userId);
    if (factor.primary && own.length > 0) hasPrimary = true;
    methods.push(...own);
  }
  if (!hasPrimary) return [];
  const preferred = methods.find((m) => m === defaultMethod) ?? methods[0]!;
  return [preferred, ...methods.filter((m) => m !== preferred)];
}

export async function listFactors(ctx: Ctx, userId: string): Promise<FactorEntry[]> {
  const entries: FactorEntry[] = [];
  for (const factor of ALL) entries.push(...(await factor.list(ctx, userId)).map((e) => ({ ...e, type: factor.id })));
  return entries;
}
