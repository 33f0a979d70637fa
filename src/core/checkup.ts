/** The 2FA check-up rule (docs/decisions.md "2FA check-up"). Pure: the clock is passed in. */
import { CHECKUP } from '../config/defaults.ts';

export interface CheckupState {
  readonly twoFactorEnabled: boolean;
  /** When 2FA was last turned on. */
  readonly enabledAt: string | null;
  readonly doneAt: string | null;
  readonly skips: number;
}

/** 'due': the next sign-in asks; 'done'; 'skipped': skipped for good; 'not_yet': before day 28; 'none': no 2FA. */
export type CheckupStatus = 'due' | 'done' | 'skipped' | 'not_yet' | 'none';

export function checkupStatus(state: CheckupState, now: Date): CheckupStatus {
  if (!state.twoFactorEnabled || !state.enabledAt) return 'none';
  if (state.doneAt) return 'done';
  if (state.skips >= CHECKUP.maxSkips) return 'skipped';
  const dueAt = Date.parse(state.enabledAt) + CHECKUP.afterDays * 86_400_000;
  return now.getTime() >= dueAt ? 'due' : 'not_yet';
}
