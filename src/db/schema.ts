/** Row types of the current schema (the migrations are the source of truth). */
import type { Generated } from 'kysely';
import type {
  TotpFactorsTable,
  TotpEnrollmentsTable,
  BackupCodesTable,
  ChallengesTable,
  TrustedDevicesTable,
  PasskeyCredentialsTable,
  WebauthnChallengesTable,
  PhoneFactorsTable,
  PhoneEnrollmentsTable,
  PhoneCodesTable,
  PhoneSendCooldownsTable,
  EmailFactorsTable,
  EmailEnrollmentsTable,
} from './schema-factors.ts';
import type { MemberPolicyOverridesTable } from './schema-policy.ts';

export type * from './schema-factors.ts';
export type * from './schema-policy.ts';

export type Role = 'owner' | 'admin' | 'staff' | 'client';
export const ROLES: readonly Role[] = ['owner', 'admin', 'staff', 'client'];

export interface UsersTable {
  id: string;
  email: string;
  name: Generated<string>;
  password_hash: string | null;
  two_factor_enabled: Generated<number>;
  default_method: string | null;
  two_factor_reset_at: string | null;
  /** The last password reset by an emailed link (blocks account recovery for a week). */
  password_reset_at: string | null;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
  /** When the account was suspended (null: active). */
  suspended_at: string | null;
  /** When the person proved control of `email` (a link twofold emailed), or null. */
  email_verified_at: string | null;
  /** When 2FA was last turned on (the 2FA check-up counts from it). */
  two_factor_enabled_at: string | null;
  checkup_done_at: string | null;
  checkup_skipped_at: string | null;
  checkup_skips: Generated<number>;
  /** When the person put the onboarding checklist away (null: shown while it applies). */
  onboarding_dismissed_at: string | null;
  /** The saved page and email language (src/i18n), or null. */
  locale: string | null;
  /** The saved IANA time zone for times in emails and pages, or null. */
  time_zone: string | null;
}

export interface OrgsTable {
  id: string;
  name: string;
  created_at: string;
  require_two_factor: Generated<'off' | 'staff' | 'everyone'>;
  grace_period_days: Generated<number>;
  trusted_device_days: Generated<number>;
  allowed_methods: Generated<string>;
  self_service_recovery: Generated<number>;
  staff_required_since: string | null;
  everyone_required_since: string | null;
  email_codes: Generated<'off' | 'clients' | 'everyone'>;
  new_device_check: Generated<'off' | 'staff' | 'everyone'>;
  phishing_resistant: Generated<'off' | 'staff' | 'everyone'>;
  phishing_resistant_staff_since: string | null;
  phishing_resistant_everyone_since: string | null;
  allowed_authenticators: Generated<string>;
  /** When the security policy was first saved (the onboarding checklist's "choose the policy"). */
  policy_chosen_at: string | null;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: Role;
  created_at: string;
  role_changed_at: string;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  kind: Generated<'full' | 'enrollment'>;
  amr: Generated<string>;
  remember: Generated<number>;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  reauthenticated_at: string | null;
  revoked_at: string | null;
  ip: Generated<string>;
  user_agent: Generated<string>;
  stepped_up_at: string | null;
}

export interface PasswordResetsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface EmailVerificationsTable {
  id: string;
  user_id: string;
  email: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  event: string;
  actor_user_id: string | null;
  target_user_id: string | null;
  org_id: string | null;
  ip: Generated<string>;
  user_agent: Generated<string>;
  details: Generated<string>;
}

export interface MailOutboxTable {
  id: string;
  created_at: string;
  channel: Generated<string>;
  recipient: string;
  subject: Generated<string>;
  body_text: string;
  body_html: string | null;
  status: 'pending' | 'sent' | 'stored' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: string | null;
  last_error: string | null;
  sent_at: string | null;
}

export interface RateLimitsTable {
  key: string;
  window_start: string;
  count: number;
  /** Budget keys: attempts holding a slot in this window (confirmed failures are `count`). */
  in_flight: Generated<number>;
}

export interface AttemptCountersTable {
  key: string;
  failures: Generated<number>;
  locks: Generated<number>;
  next_allowed_at: string | null;
  locked_until: string | null;
  /** Bumped by every change of the failure state (failures, locks, delay, lock), never by slots. */
  version: Generated<number>;
  /** Attempts being checked right now. */
  in_flight: Generated<number>;
  /** When the latest in-flight slot was taken. */
  in_flight_at: string | null;
}

export interface SeenDevicesTable {
  user_id: string;
  device_hash: string;
  first_seen_at: string;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  org_id: string | null;
  name: string;
  prefix: string;
  key_hash: string;
  scope: 'read' | 'write';
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface RecoveriesTable {
  id: string;
  user_id: string;
  status: 'emailed' | 'pending' | 'completed' | 'cancelled' | 'superseded' | 'needs_admin' | 'resolved';
  link_token_hash: string | null;
  link_expires_at: string | null;
  cancel_token_hash: string | null;
  created_at: string;
  started_at: string | null;
  completes_at: string | null;
  ended_at: string | null;
  ip: Generated<string>;
}

export interface ImportProgressTable {
  key: string;
  line: number;
  updated_at: string;
}

export interface SystemFlagsTable {
  key: string;
  set_at: string;
}

export interface Database {
  system_flags: SystemFlagsTable;
  import_progress: ImportProgressTable;
  oidc_clients: OidcClientsTable;
  webhooks: WebhooksTable;
  forward_auth_hosts: ForwardAuthHostsTable;
  forward_auth_codes: ForwardAuthCodesTable;
  forward_auth_tokens: ForwardAuthTokensTable;
  webhook_deliveries: WebhookDeliveriesTable;
  oidc_logout_deliveries: OidcLogoutDeliveriesTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  phone_factors: PhoneFactorsTable;
  phone_enrollments: PhoneEnrollmentsTable;
  phone_codes: PhoneCodesTable;
  phone_send_cooldowns: PhoneSendCooldownsTable;
  email_factors: EmailFactorsTable;
  email_enrollments: EmailEnrollmentsTable;
  api_keys: ApiKeysTable;
  recoveries: RecoveriesTable;
  totp_factors: TotpFactorsTable;
  passkey_credentials: PasskeyCredentialsTable;
  webauthn_challenges: WebauthnChallengesTable;
  totp_enrollments: TotpEnrollmentsTable;
  backup_codes: BackupCodesTable;
  challenges: ChallengesTable;
  trusted_devices: TrustedDevicesTable;
  users: UsersTable;
  orgs: OrgsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  email_verifications: EmailVerificationsTable;
  audit_events: AuditEventsTable;
  mail_outbox: MailOutboxTable;
  rate_limits: RateLimitsTable;
  attempt_counters: AttemptCountersTable;
  seen_devices: SeenDevicesTable;
  member_policy_overrides: MemberPolicyOverridesTable;
  org_branding: OrgBrandingTable;
}

export interface OrgBrandingTable {
  org_id: string;
  display_name: string | null;
  /** `#rrggbb`, lower case. */
  accent_color: string | null;
  logo_base64: string | null;
  logo_type: string | null;
  /** SHA-256 of the logo's base64: the strong ETag. */
  logo_hash: string | null;
  updated_at: string;
}

export interface OidcClientsTable {
  id: string;
  org_id: string;
  name: string;
  kind: 'confidential' | 'public';
  secret_hash: string | null;
  /** client_secret_basic, client_secret_post, or none (public). */
  token_auth_method: string;
  /** JSON arrays of exact URIs. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  secret_rotated_at: string | null;
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
  /** Where the app receives logout tokens (OpenID Connect Back-Channel Logout 1.0), or null. */
  backchannel_logout_uri: string | null;
}

/** The outbox of back-channel logout notifications: one logout token per row, signed when sent. */
export interface OidcLogoutDeliveriesTable {
  id: string;
  client_id: string;
  /** The user's `sub`. */
  subject: string;
  /** The provider session's `sid` for that app; null: every session of the user at the app. */
  sid: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  /** The class of the last failure (`timeout`, `http_500`, `refused_target`…), never a response body. */
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  client_id: string | null;
  /** Epoch milliseconds (PostgreSQL bigint arrives as a string). */
  expires_at: number | string | null;
  consumed_at: number | string | null;
}

export interface OidcSigningKeysTable {
  kid: string;
  alg: string;
  key_id: string;
  sealed_private_jwk: string;
  created_at: string;
  retired_at: string | null;
}

export interface WebhooksTable {
  id: string;
  org_id: string;
  url: string;
  /** JSON array of event types, or ["*"]. */
  events: string;
  secret_key_id: string;
  secret_sealed: string;
  previous_secret_key_id: string | null;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | null;
  enabled: Generated<number>;
  disabled_reason: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  /** The Standard Webhooks message id (`webhook-id`), the same on every attempt. */
  id: string;
  webhook_id: string;
  event_type: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  /** The class of the last failure (`timeout`, `http_500`, `refused_target`…), never a response body. */
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface ForwardAuthHostsTable {
  id: string;
  org_id: string;
  /** Lower-case host[:port] as the proxy reports it (X-Forwarded-Host). */
  host: string;
  require_two_factor: Generated<number>;
  /** JSON array of org roles allowed in; [] lets every member in. */
  roles: string;
  created_by: string | null;
  created_at: string;
}

export interface ForwardAuthCodesTable {
  id: string;
  code_hash: string;
  session_id: string;
  host: string;
  return_path: string;
  expires_at: string;
  used_at: string | null;
}

export interface ForwardAuthTokensTable {
  id: string;
  token_hash: string;
  session_id: string;
  host: string;
  created_at: string;
  expires_at: string;
}
