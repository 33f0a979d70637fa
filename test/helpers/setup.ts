/** Runs in every test file (vitest setupFiles): what a file leaves behind in shared services is removed. */
import { afterAll } from 'vitest';
import { dropSpareSchemas } from './db.ts';

afterAll(async () => {
  await dropSpareSchemas();
});
