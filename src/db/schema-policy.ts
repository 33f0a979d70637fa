/** Row types of the per-member policy tables (the migrations are the source of truth). */

export interface MemberPolicyOverridesTable {
  org_id: string;
  user_id: string;
  /** An exemption from the org's 2FA requirement: its reason, and when it ends (null with break-glass). */
  exemption_reason: string | null;
  exempt_until: string | null;
  /** 1: the org's one break-glass account, exempt without expiry. */
  break_glass: number;
  exempted_by: string | null;
  exempted_at: string | null;
  /** A later 2FA deadline for this member than the org's grace period gives. */
  extended_deadline: string | null;
  extended_by: string | null;
  extended_at: string | null;
}
