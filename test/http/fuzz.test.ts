/**
 * Fuzzing every route the OpenAPI document lists (GET /openapi.json, not a hand-kept list) with random and
 * malformed bodies, headers, cookies, path parameters and query strings — anything, JSON, raw bytes with
 * NUL and unicode, huge numbers, deep nesting, wrong media types — signed in and not. Nothing may answer
 * 5xx, and the server keeps serving. CI runs a few hundred requests per dialect; `npm run fuzz` (FUZZ_RUNS)
 * runs many more.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/sessions/service.ts';
import { createTestApp, setUpOwner, ORIGIN, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly query: readonly string[];
  readonly bodyFields: readonly string[];
}

/** Every operation of the OpenAPI document, with its query names and top-level body fields. */
function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name),
      bodyFields: Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
    })),
  );
}

/** Percent-encodes every UTF-8 byte (lone surrogates included), so any string can travel in a URL. */
const encodeBytes = (value: string): string =>
  [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
/** What an HTTP header value may carry at all (Node refuses the rest before sending). */
const headerSafe = (value: string): string => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    '\u0000',
    '../../etc/passwd',
    '%',
    '%zz',
    '%E0%A4%A',
    'a'.repeat(2000),
    '1e400',
    '-0',
    'null',
    '__proto__',
    'tf_x',
  ),
);

const hugeNumbers = fc.constantFrom(
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '{"limit":1e308}',
  '[9007199254740993]',
  'NaN',
);
const deepNesting = fc
  .integer({ min: 1, max: 4000 })
  .chain((depth) =>
    fc.constantFrom(
      '['.repeat(depth) + ']'.repeat(depth),
      '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      '['.repeat(depth),
    ),
  );

function bodyFor(op: Operation): fc.Arbitrary<string | undefined> {
  const fieldValue = fc.oneof(fc.anything(), anyText, fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
  const shaped =
    op.bodyFields.length === 0
      ? fc.constant({})
      : fc.dictionary(fc.oneof(fc.constantFrom(...op.bodyFields), fc.string()), fieldValue, {
          maxKeys: op.bodyFields.length + 1,
        });
  return fc.oneof(
    fc.constant(undefined),
    shaped.map((value) => JSON.stringify(value)),
    fc.anything().map((value) => JSON.stringify(value)),
    fc.json(),
    anyText,
    hugeNumbers,
    deepNesting,
  );
}

function queryFor(op: Operation): fc.Arbitrary<string> {
  const names = fc.oneof(...(op.query.length ? [fc.constantFrom(...op.query)] : []), fc.string({ maxLength: 10 }));
  return fc.oneof(
    fc.constant(''),
    fc.dictionary(names, anyText, { maxKeys: 4 }).map(
      (q) =>
        '?' +
        Object.entries(q)
          .map(([k, v]) => `${encodeBytes(k)}=${encodeBytes(v)}`)
          .join('&'),
    ),
    fc.constantFrom('?', '?&&=&', '?a=%ZZ', '?limit=-1', '?limit=1e400', '?before=%00', '?limit=1&limit=2'),
  );
}

interface FuzzRequest {
  readonly op: Operation;
  readonly method: string;
  readonly pathParams: string[];
  readonly rawPath: boolean;
  readonly query: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
  readonly auth: 'none' | 'session' | 'garbage-cookie' | 'garbage-bearer';
  readonly origin: string | undefined;
  readonly cookie: string;
}

describe.each(DIALECTS)('fuzzing every route of the OpenAPI document (%s)', (dialect) => {
  let t: TestApp;
  let ownerId: string;
  let known: string[];
  let operations: Operation[];

  beforeAll(async () => {
    t = await createTestApp(dialect, { logLevel: 'error' });
    const setup = await setUpOwner(t);
    ownerId = setup.ownerId;
    known = [setup.orgId, setup.ownerId];
    operations = operationsOf((await t.app.inject({ url: '/openapi.json' })).json());
  });
  afterAll(async () => {
    await t.close();
  });

  function requestArbitrary(): fc.Arbitrary<FuzzRequest> {
    return fc.constantFrom(...operations).chain((op) => {
      const params = (op.path.match(/\{[A-Za-z]+\}/g) ?? []).length;
      return fc.record({
        op: fc.constant(op),
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(op.method) },
          { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
        ),
        pathParams: fc.array(fc.oneof(fc.constantFrom(...known), anyText), { minLength: params, maxLength: params }),
        rawPath: fc.boolean(),
        query: queryFor(op),
        body: bodyFor(op),
        // Mostly JSON, so that most requests get past the media-type check into validation and handlers.
        contentType: fc.oneof(
          { weight: 12, arbitrary: fc.constant('application/json') },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'application/json; charset=utf-8',
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/json; charset=latin1',
            ),
          },
          { weight: 1, arbitrary: anyText.map(headerSafe) },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        auth: fc.constantFrom('none', 'session', 'session', 'garbage-cookie', 'garbage-bearer'),
        origin: fc.option(
          fc.oneof(fc.constant(ORIGIN), fc.constant(ORIGIN), fc.constant('null'), anyText.map(headerSafe)),
          { nil: undefined },
        ),
        cookie: fc.oneof(
          fc.constant(''),
          anyText.map(headerSafe),
          anyText.map((v) => `tf_challenge=${headerSafe(v)}; tf_device=${headerSafe(v)}`),
        ),
      });
    });
  }

  async function toInject(r: FuzzRequest): Promise<InjectOptions> {
    let i = 0;
    const path = r.op.path.replace(/\{[A-Za-z]+\}/g, () => {
      const value = r.pathParams[i++] ?? '';
      return r.rawPath ? value.replace(/[/?#\s]/g, '') : encodeBytes(value);
    });
    const cookies = [r.cookie];
    const headers: Record<string, string> = {};
    if (r.auth === 'session') {
      // A fresh owner session each time (with the sudo window open): fuzzed sign-outs cannot starve the run.
      const { token } = await createSession(
        t.ctx,
        { userId: ownerId, amr: ['pwd', 'otp', 'mfa'], remember: false },
        { ip: '127.0.0.1', userAgent: 'fuzz' },
      );
      cookies.push(`tf_session=${token}`);
    }
    if (r.auth === 'garbage-cookie') cookies.push(`tf_session=${headerSafe(r.cookie) || 'x'}`);
    if (r.auth === 'garbage-bearer')
      headers.authorization = `Bearer ${headerSafe(r.cookie).replace(/\s/g, '') || 'tf_x'}`;
    if (r.origin !== undefined) headers.origin = r.origin;
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    const cookie = cookies.filter(Boolean).join('; ');
    if (cookie) headers.cookie = cookie;
    return {
      method: r.method as InjectOptions['method'],
      url: `${path}${r.query}`,
      headers,
      ...(r.body !== undefined ? { payload: r.body } : {}),
    };
  }

  it(
    `answers ${RUNS} random and malformed requests without a single 5xx, and keeps serving`,
    async () => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(), async (r) => {
          const options = await toInject(r);
          const response = await t.app.inject(options);
          if (response.statusCode >= 500) {
            throw new Error(
              `${response.statusCode} for ${options.method} ${options.url}: ${response.body.slice(0, 300)}\n${t.logs.slice(-3).join('')}`,
            );
          }
        }),
        { numRuns: RUNS },
      );
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
    },
    Math.max(60_000, RUNS * 100),
  );
});
