/** Migrations bundled with the app, in order. Add new ones at the end; never edit a released one. */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_two_factor.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_two_factor': m0002,
};

export const bundledMigrations: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
