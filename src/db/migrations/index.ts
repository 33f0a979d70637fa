/** Migrations bundled with the app, in order. Add new ones at the end; never edit a released one. */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_two_factor.ts';
import * as m0003 from './0003_passkeys.ts';
import * as m0004 from './0004_team_security.ts';
import * as m0005 from './0005_recovery.ts';
import * as m0006 from './0006_phone.ts';
import * as m0007 from './0007_import.ts';
import * as m0008 from './0008_oidc.ts';
import * as m0009 from './0009_attempts_in_flight.ts';
import * as m0010 from './0010_recovery_guard.ts';
import * as m0011 from './0011_email_verification.ts';
import * as m0012 from './0012_account_suspension.ts';
import * as m0013 from './0013_webhooks.ts';
import * as m0014 from './0014_forward_auth.ts';
import * as m0015 from './0015_member_exemptions.ts';
import * as m0016 from './0016_two_factor_checkup.ts';
import * as m0017 from './0017_email_codes.ts';
import * as m0018 from './0018_phishing_resistant.ts';
import * as m0019 from './0019_backchannel_logout.ts';
import * as m0020 from './0020_onboarding.ts';
import * as m0021 from './0021_org_branding.ts';
import * as m0022 from './0022_user_locale.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_two_factor': m0002,
  '0003_passkeys': m0003,
  '0004_team_security': m0004,
  '0005_recovery': m0005,
  '0006_phone': m0006,
  '0007_import': m0007,
  '0008_oidc': m0008,
  '0009_attempts_in_flight': m0009,
  '0010_recovery_guard': m0010,
  '0011_email_verification': m0011,
  '0012_account_suspension': m0012,
  '0013_webhooks': m0013,
  '0014_forward_auth': m0014,
  '0015_member_exemptions': m0015,
  '0016_two_factor_checkup': m0016,
  '0017_email_codes': m0017,
  '0018_phishing_resistant': m0018,
  '0019_backchannel_logout': m0019,
  '0020_onboarding': m0020,
  '0021_org_branding': m0021,
  '0022_user_locale': m0022,
};

export const bundledMigrations: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
