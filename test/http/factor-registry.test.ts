/** The JSON API's method enums are the registry's (src/factors/index.ts): a new factor needs no schema edit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { CODE_METHODS, ENROLLABLE_METHODS, SECOND_FACTOR_METHODS, SENT_CODE_METHODS } from '../../src/factors/index.ts';
import { emailFactor } from '../../src/factors/email/factor.ts';
import { phoneFactor } from '../../src/factors/phone/factor.ts';

type Schema = { enum?: string[]; items?: Schema; properties?: Record<string, Schema>; maxItems?: number };
type Document = {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
};

describe.each(DIALECTS)('method enums in the API (%s)', (dialect) => {
  let t: TestApp;
  let document: Document;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
  });
  afterAll(async () => {
    await t.close();
  });

  const body = (path: string, method = 'post'): Record<string, Schema> =>
    document.paths[path]![method]!.requestBody!.content['application/json']!.schema.properties!;

  it('derives every method enum from the registry', () => {
    expect(body('/api/v1/sign-in/verify').method!.enum).toEqual([...CODE_METHODS]);
    expect(body('/api/v1/me/reauthenticate').method!.enum).toEqual([...SECOND_FACTOR_METHODS]);
    expect(body('/api/v1/me/two-factor/disable').method!.enum).toEqual([...SECOND_FACTOR_METHODS]);
    expect(body('/api/v1/sign-in/send').method!.enum).toEqual([...SENT_CODE_METHODS]);
    expect(body('/api/v1/me/reauthenticate/send').method!.enum).toEqual([...SENT_CODE_METHODS]);
    expect(SENT_CODE_METHODS).toEqual([...phoneFactor.methods, ...emailFactor.methods]);
    const allowed = body('/api/v1/orgs/{orgId}/policy', 'patch').allowedMethods!;
    expect(allowed.items!.enum).toEqual([...ENROLLABLE_METHODS]);
    expect(allowed.maxItems).toBe(ENROLLABLE_METHODS.length);
  });
});
