/**
 * docs/errors.md lists exactly the codes of the catalogue (src/errors.ts) with their statuses, as
 * Fastify's test/internals/errors.test.js keeps lib/errors.js and docs/Reference/Errors.md in step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.ts';

const DOC = path.resolve(import.meta.dirname, '../../docs/errors.md');

function documentedCodes(): Array<{ code: string; status: number; when: string }> {
  const rows: Array<{ code: string; status: number; when: string }> = [];
  for (const line of fs.readFileSync(DOC, 'utf8').split('\n')) {
    const match = /^\|\s*`([a-z0-9_]+)`\s*\|\s*(\d{3})\s*\|(.*)\|\s*$/.exec(line);
    if (match) rows.push({ code: match[1]!, status: Number(match[2]), when: match[3]!.trim() });
  }
  return rows;
}

describe('docs/errors.md', () => {
  it('lists every catalogue code exactly once, in catalogue order', () => {
    expect(documentedCodes().map((r) => r.code)).toEqual(Object.keys(ERRORS));
  });

  it('gives each code the status it is served with', () => {
    for (const row of documentedCodes()) {
      expect(row.status, row.code).toBe(ERRORS[row.code as keyof typeof ERRORS].status);
    }
  });

  it('says when each code happens', () => {
    for (const row of documentedCodes()) expect(row.when.length, row.code).toBeGreaterThan(20);
  });
});
