/**
 * The contract every second factor fills (src/factors/<name>/factor.ts), modelled on Ory Kratos'
 * login strategies. The sign-in flow only talks to factors through this interface and the FACTORS list
 * in ./index.ts: adding a factor means adding a folder and one line there.
 */
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';

/** Methods a person can pick at the second step (API.md: "methods"). */
export type SecondFactorMethod = 'totp' | 'passkey' | 'sms' | 'voice' | 'backup_code';

/** What a factor's verify step answers. A wrong code is a value, not an exception. */
export type VerifyOutcome =
  | { readonly ok: true; readonly amr: readonly string[]; readonly factorId: string | null }
  | { readonly ok: false; readonly reason: 'invalid' | 'replayed' | 'expired'; readonly clockDriftMinutes?: number };

/** One registered factor as the profile lists it. */
export interface FactorEntry {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly methods: readonly SecondFactorMethod[];
  /** Passkeys only: a synced (multi-device) or device-bound credential, and whether it is backed up now. */
  readonly passkey?: { readonly deviceType: 'singleDevice' | 'multiDevice'; readonly backedUp: boolean };
}

/** Why a second factor is being checked: a code or assertion for one purpose cannot serve another. */
export type VerifyPurpose = 'sign_in' | 'reauthenticate' | 'disable';

/** What the check happens within, for factors whose codes are bound to it (a phone code to its sign-in challenge). */
export interface VerifyContext {
  readonly challengeId?: string;
}

export interface Factor {
  /** Stable name, also the folder name. */
  readonly name: string;
  /** True when this factor alone keeps 2FA on (backup codes only back the others up). */
  readonly primary: boolean;
  /** The sign-in methods this factor offers for a user (none when not enrolled). */
  methodsFor(ctx: Ctx, userId: string): Promise<readonly SecondFactorMethod[]>;
  list(ctx: Ctx, userId: string): Promise<readonly FactorEntry[]>;
  /** Checks a code for `method`, consuming it atomically when right. Null when the method is not this factor's. */
  verify(
    ctx: Ctx,
    userId: string,
    method: SecondFactorMethod,
    code: string,
    meta: RequestMeta,
    purpose: VerifyPurpose,
    context?: VerifyContext,
  ): Promise<VerifyOutcome | null>;
  /** Renames one registered factor; false when the user has no such factor here (or it has no name). */
  rename?(ctx: Ctx, userId: string, factorId: string, label: string): Promise<boolean>;
  /** Removes one registered factor; false when the user has no such factor here. */
  remove(ctx: Ctx, userId: string, factorId: string): Promise<boolean>;
  /** Removes everything this factor holds for a user (2FA disable, reset, recovery). */
  removeAll(ctx: Ctx, userId: string): Promise<void>;
}
