/** Row types of the second-factor tables (the migrations are the source of truth). */
import type { Generated } from 'kysely';

export interface TotpFactorsTable {
  id: string;
  user_id: string;
  label: string;
  secret_sealed: string;
  key_id: string;
  /** bigint column: pg returns it as a string, SQLite as a number. */
  last_used_step: string | number | null;
  created_at: string;
  last_used_at: string | null;
}

export interface TotpEnrollmentsTable {
  id: string;
  user_id: string;
  secret_sealed: string;
  key_id: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface BackupCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface ChallengesTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  failures: Generated<number>;
  consumed_at: string | null;
  first_step: Generated<'pwd' | 'hwk' | 'swk'>;
  kind: Generated<'second_factor' | 'device_check'>;
}

export interface TrustedDevicesTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  last_used_at: string;
  ip: Generated<string>;
  user_agent: Generated<string>;
  revoked_at: string | null;
}

export interface PasskeyCredentialsTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  /** bigint column: pg returns it as a string, SQLite as a number. */
  counter: string | number;
  transports: string;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  label: string;
  aaguid: string;
  created_at: string;
  last_used_at: string | null;
}

export type WebauthnPurpose = 'register' | 'sign_in_second_step' | 'passwordless' | 'reauthenticate';

export interface WebauthnChallengesTable {
  id: string;
  user_id: string | null;
  purpose: WebauthnPurpose;
  challenge: string;
  label: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export type PhoneChannel = 'sms' | 'voice';
export type PhoneCodePurpose = 'sign_in' | 'verify_phone' | 'verify_email' | 'reauthenticate';
/** How a sent code travels: a text, a call, or an email (then `e164` holds the address). */
export type SentCodeChannel = PhoneChannel | 'email';

export interface PhoneFactorsTable {
  id: string;
  user_id: string;
  e164: string;
  channel: Generated<PhoneChannel>;
  label: string;
  verified_at: string;
  created_at: string;
  last_used_at: string | null;
}

export interface PhoneEnrollmentsTable {
  id: string;
  user_id: string;
  e164: string;
  channel: PhoneChannel;
  replaces_factor_id: string | null;
  failures: Generated<number>;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface PhoneCodesTable {
  id: string;
  user_id: string;
  purpose: PhoneCodePurpose;
  challenge_id: string | null;
  enrollment_id: string | null;
  phone_factor_id: string | null;
  email_enrollment_id: Generated<string | null>;
  e164: string;
  channel: SentCodeChannel;
  code_hash: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  superseded_at: string | null;
}

export interface PhoneSendCooldownsTable {
  scope: string;
  available_at: string;
}

export interface EmailFactorsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_used_at: string | null;
}

export interface EmailEnrollmentsTable {
  id: string;
  user_id: string;
  failures: Generated<number>;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}
