/**
 * The contract every second factor fills (src/factors/<name>/factor.ts) for its whole life, modelled on Ory
 * Kratos' strategies: how it is described, enrolled, challenged, verified, listed, renamed and removed. Flows
 * (src/flows/) and pages talk to factors through this interface and the FACTORS list in ./index.ts, from
 * which the method names, the proof union and the JSON-schema enums are derived: adding a factor means a
 * folder and one line there.
 */
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { AppError } from '../errors.ts';
import type { MessageKey } from '../i18n/index.ts';

/** A code the person types (an app's code, a code sent to a phone, a backup code). */
export interface CodeProof<M extends string = string> {
  readonly method: M;
  readonly code: string;
}

/** A WebAuthn assertion: the browser's PublicKeyCredential as JSON (an object, checked by the ceremony). */
export interface AssertionProof<M extends string = string> {
  readonly method: M;
  readonly response: unknown;
}

export type AnyProof = CodeProof | AssertionProof;

/** Why a second factor is being checked: a code or assertion for one purpose cannot serve another. */
export type VerifyPurpose = 'sign_in' | 'reauthenticate' | 'disable';

export interface VerifyRequest<P extends AnyProof = AnyProof> {
  readonly userId: string;
  readonly proof: P;
  readonly purpose: VerifyPurpose;
  /** The sign-in challenge the proof answers (a phone code is bound to it). */
  readonly challengeId?: string;
}

/** What a factor's verify step answers. A wrong code is a value, not an exception. */
export type VerifyOutcome =
  | {
      readonly ok: true;
      readonly amr: readonly string[];
      readonly factorId: string | null;
      /** A one-time code of a fixed set was spent: how many are left (the person is told). */
      readonly remaining?: number;
    }
  | { readonly ok: false; readonly reason: 'invalid' | 'replayed' | 'expired'; readonly clockDriftMinutes?: number };

/** One registered factor as the profile lists it (`type` is the factor's id). */
export interface FactorEntry {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly methods: readonly string[];
  /** Passkeys only: a synced (multi-device) or device-bound credential, and whether it is backed up now. */
  readonly passkey?: { readonly deviceType: 'singleDevice' | 'multiDevice'; readonly backedUp: boolean };
}

/**
 * The org policy as it applies to one person (the strictest of their orgs wins): the flows pass it in, so a
 * factor can refuse a method at the exact step where it matters (before a code is sent, before enrolling).
 */
export interface MethodPolicy {
  assertAllowed(method: string): Promise<void>;
  /** Authenticator models (AAGUIDs) a new passkey may be; null when no org restricts them. */
  allowedAuthenticators(): Promise<readonly string[] | null>;
}

/** Who enrols: the signed-in person, with the names of their orgs (an authenticator app shows the first). */
export interface Enrollee {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly orgNames: readonly string[];
  /** Saved language and time zone, for the emails setting up a method sends. */
  readonly locale: string | null;
  readonly timeZone: string | null;
}

/**
 * The database side of a newly confirmed factor — audit, 2FA on, backup codes — supplied by the flow and run
 * by the factor inside the transaction of its own writes, so a crash leaves a factor with its backup codes, or
 * nothing. Returns the backup codes when this factor turned 2FA on (shown once).
 */
export type FactorAdded = (tx: Ctx, what: { readonly label: string }) => Promise<string[] | null>;

export interface Enrolled {
  readonly factor: { readonly id: string; readonly type: string; readonly label: string; readonly createdAt: string };
  /** RFC 8176 amr of the proof the enrolment took (the session's assurance rises with it). */
  readonly amr: readonly string[];
  readonly backupCodes: string[] | null;
  /** It replaced one of the person's factors in place (a changed phone number), which the factor announced. */
  readonly changed: boolean;
}

/** Adding one: begin (a secret, options or a code sent) and finish (the answer checked, the factor stored). */
export interface Enrolment<Begin, Started, Finish, Resend = never> {
  begin(ctx: Ctx, who: Enrollee, input: Begin, meta: RequestMeta, policy: MethodPolicy): Promise<Started>;
  /** A new code for a pending enrolment, for factors whose code is sent. */
  resend?(ctx: Ctx, who: Enrollee, input: Resend, meta: RequestMeta, policy: MethodPolicy): Promise<Started>;
  finish(
    ctx: Ctx,
    who: Enrollee,
    input: Finish,
    added: FactorAdded,
    meta: RequestMeta,
    policy: MethodPolicy,
  ): Promise<Enrolled>;
}

/** Asking for a proof before it is given: a code sent, or a passkey's request options. */
export interface ChallengeRequest {
  /** Null only for a passwordless sign-in, where the credential names the person. */
  readonly userId: string | null;
  readonly method: string;
  readonly purpose: 'sign_in' | 'passwordless' | 'reauthenticate';
  readonly challengeId?: string;
  readonly policy: MethodPolicy;
}

/**
 * How a method is answered: a code read off something the person holds, a code the server sends first, or
 * a passkey in the browser.
 */
export type Answer = 'code' | 'sent_code' | 'passkey';

/**
 * A text from the catalogues (src/i18n), as the pages and emails say it in the reader's language:
 * `t(words.key)`. An object rather than a bare key so that a view cannot print it untranslated.
 */
export interface Words {
  readonly key: MessageKey;
}
export const words = (key: MessageKey): Words => ({ key });

/** The words the pages use for one method. */
export interface MethodDescription {
  readonly answer: Answer;
  /** Among the ways to confirm with a code ("Authenticator app code"). */
  readonly option: Words;
  /** In the org policy's allowed methods ("Text message (SMS)"). */
  readonly policyLabel: Words;
  /** The sign-in challenge page: its title, what to do, the field, and the "try another way" link. */
  readonly title: Words;
  readonly prompt: Words;
  readonly label: Words;
  readonly other: Words;
  /** The code field, for a method answered with a code: digits only, and how long. */
  readonly field?: { readonly numeric: boolean; readonly maxLength: number; readonly placeholder?: string };
}

export interface FactorDescription<M extends string = string> {
  /** The factor in lists ("Authenticator app"). */
  readonly name: Words;
  /** Shown beside an entry's own name ("authenticator app", "synced passkey, backed up"). */
  kind(entry: FactorEntry): Words;
  /** Where a person adds one (none: it comes with another factor). */
  readonly setup: { readonly label: Words; readonly path: string } | null;
  /** Changing an entry in place rather than renaming it (a phone number). */
  readonly change?: { readonly label: Words; path(entryId: string): string };
  readonly methods: { readonly [K in M]: MethodDescription };
}

export interface Factor<P extends AnyProof = AnyProof> {
  /** Stable name, also the folder name and an entry's `type`. */
  readonly id: string;
  /** The methods a person can pick to use it (docs/api.md "methods"). */
  readonly methods: readonly P['method'][];
  /** True when this factor alone keeps 2FA on (backup codes only back the others up). */
  readonly primary: boolean;
  /** RFC 8176 amr values its proofs give: a sign-in never asks again for the factor that stood in for the password. */
  readonly amr: readonly string[];
  readonly describe: FactorDescription<P['method']>;
  /** A proof as forms and the JSON API carry it, a method and one string (a passkey's assertion as JSON). */
  parseProof(method: P['method'], text: string): P;
  readonly enrol?: Enrolment<never, unknown, never>;
  /** Asks for a proof before it is given (sends a code, or answers a passkey's request options). */
  challenge?(ctx: Ctx, request: ChallengeRequest, meta: RequestMeta): Promise<unknown>;
  /** The methods this person has enrolled here, in the order offered (none when not enrolled). */
  methodsFor(ctx: Ctx, userId: string): Promise<readonly P['method'][]>;
  /** Checks a proof, consuming it atomically when right. */
  verify(ctx: Ctx, request: VerifyRequest<P>, meta: RequestMeta): Promise<VerifyOutcome>;
  list(ctx: Ctx, userId: string): Promise<readonly Omit<FactorEntry, 'type'>[]>;
  /** Renames one registered factor; false when the person has no such factor here. */
  rename?(ctx: Ctx, userId: string, factorId: string, label: string): Promise<boolean>;
  /** Removes one registered factor; false when the person has no such factor here. */
  remove(ctx: Ctx, userId: string, factorId: string): Promise<boolean>;
  /** Removes everything this factor holds for a person (2FA off, reset, recovery). */
  removeAll(ctx: Ctx, userId: string): Promise<void>;
}

/** Turns a failed outcome into the API's error (invalid_code, with the clock-drift hint when known). */
export function failedCode(outcome: Extract<VerifyOutcome, { ok: false }>): AppError {
  if (outcome.clockDriftMinutes !== undefined && outcome.clockDriftMinutes !== 0) {
    const minutes = outcome.clockDriftMinutes;
    return new AppError('invalid_code', {
      key: minutes > 0 ? 'errors:messages.code.clockAhead' : 'errors:messages.code.clockBehind',
      values: { count: Math.abs(minutes) },
      details: { clockDriftMinutes: minutes },
    });
  }
  if (outcome.reason === 'replayed') {
    return new AppError('invalid_code', { key: 'errors:messages.code.replayed' });
  }
  return new AppError('invalid_code');
}
