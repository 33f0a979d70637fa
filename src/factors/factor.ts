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
  | { readonly ok: true; readonly amr: readonly string[] }
  | { readonly ok: false; readonly reason: 'invalid' | 'replayed' | 'expired'; readonly clockDriftMinutes?: number };

export interface Factor {
  /** Stable name, also the folder name. */
  readonly name: string;
  /** The sign-in methods this factor offers for a user (none when not enrolled). */
  methodsFor(ctx: Ctx, userId: string): Promise<readonly SecondFactorMethod[]>;
  /** Checks a code (or assertion) for `method`, consuming it atomically when right. */
  verify(ctx: Ctx, userId: string, method: SecondFactorMethod, code: string, meta: RequestMeta): Promise<VerifyOutcome>;
  /** Removes everything this factor holds for a user (2FA reset, recovery). */
  removeAll(ctx: Ctx, userId: string): Promise<void>;
}
