/**
 * Hostile input never reaches a 5xx: every operation in the OpenAPI document is walked (no hand-kept route
 * list) and fed malformed JSON, wrong types, oversized bodies, unknown fields, odd Unicode, arrays, empty
 * bodies and foreign content types — signed in (so authentication cannot mask validation) and anonymous.
 * Each answer must be a 4xx whose `error.code` is in the catalogue (src/errors.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ERRORS } from '../../src/errors.ts';
import { createTestApp, ORIGIN, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  items?: Schema;
  pattern?: string;
  properties?: Record<string, Schema>;
  required?: string[];
};

interface Operation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body: Schema | null;
  readonly query: Record<string, Schema>;
  readonly pathParams: string[];
}

const CATALOGUE = new Set(Object.keys(ERRORS));

/** Operations from GET /openapi.json. */
function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as Array<{ name: string; in: string; schema: Schema }>;
      const requestBody = op.requestBody as { content: { 'application/json': { schema: Schema } } } | undefined;
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        body: requestBody?.content['application/json']?.schema ?? null,
        query: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema])),
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
      });
    }
  }
  return operations;
}

/** A value that satisfies a (simple) property schema, so that one other property can be made wrong. */
function validValue(schema: Schema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'boolean') return true;
  if (schema.type === 'integer' || schema.type === 'number') return Math.max(schema.minimum ?? 1, 1);
  if (schema.type === 'array')
    return Array.from({ length: schema.minItems ?? 0 }, () => validValue(schema.items ?? {}));
  if (schema.type === 'object') return validBody(schema);
  const length = Math.max(schema.minLength ?? 1, 1);
  const candidates = ['a', 'A', '1', 'a.b@example.test'].map((c) =>
    c.length >= length ? c : c + 'a'.repeat(length - c.length),
  );
  const pattern = schema.pattern ? new RegExp(schema.pattern, 'u') : null;
  return candidates.find((c) => !pattern || pattern.test(c)) ?? candidates[0];
}

function validBody(schema: Schema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, s]) => [name, validValue(s)]));
}

/** Values of the wrong JSON type for a property of `schema`'s type. */
function wrongTypes(schema: Schema): unknown[] {
  // A field may take several types (e.g. a text or null to clear it).
  const own: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
  // For an integer field the wrong number is a fraction.
  const all: Record<string, unknown> = {
    string: 'text',
    number: own.includes('integer') ? 1.5 : 12345,
    boolean: false,
    null: null,
    object: { nested: 'x' },
    array: ['x'],
  };
  return Object.entries(all)
    .filter(([type]) => !own.includes(type))
    .map(([, value]) => value);
}

const ODD_STRINGS = [
  'ｐａｓｓｗｏｒｄ—😀👩‍👩‍👧‍👦🏳️‍🌈-çàéü-Ωμέγα-日本語テキスト',
  'nul\u0000inside@example.test',
  '\u0000',
  '\u202Eevil\u202Cgnp.exe@example.test',
  '\uD800lone-surrogate@example.test',
  '\u200B\u200D\uFEFF',
  'a'.repeat(10_000),
  "' OR 1=1; -- <script>alert(1)</script> ${7*7} {{7*7}} %s%n",
];

const JUNK_PATH_VALUES = [
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  '../',
  '%2e%2e',
  'x'.repeat(5000),
  '%E2%80%AE',
  '%ZZ',
  'a%20b',
  '😀',
  "'or'1'='1",
];

describe.each(DIALECTS)('bad input is refused with a catalogue code, never a 5xx (%s)', (dialect) => {
  let t: TestApp;
  let operations: Operation[];
  let ownerCookie: string;
  let orgId: string;
  let ownerId: string;
  let ipCounter = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const setUp = await setUpOwner(t);
    orgId = setUp.orgId;
    ownerId = setUp.ownerId;
    ownerCookie = `tf_session=${setUp.owner.cookie('tf_session')}`;
    const document = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(document.statusCode).toBe(200);
    operations = operationsOf(document.json());
  });
  afterAll(async () => {
    await t.close();
  });

  /** Each request from its own address, so per-IP rate limits do not hide what validation does. */
  function nextIp(): string {
    ipCounter += 1;
    return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
  }

  function urlFor(op: Operation, overrides: Record<string, string> = {}): string {
    return op.path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
      if (name in overrides) return overrides[name]!;
      if (name === 'orgId') return orgId;
      if (name === 'userId') return ownerId;
      return 'no-such-id';
    });
  }

  async function send(
    op: Operation,
    options: { signedIn: boolean; url?: string; payload?: string | Buffer; contentType?: string | null },
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { origin: ORIGIN };
    if (options.signedIn) headers.cookie = ownerCookie;
    if (options.contentType) headers['content-type'] = options.contentType;
    return t.app.inject({
      method: op.method,
      url: options.url ?? urlFor(op),
      remoteAddress: nextIp(),
      headers,
      ...(options.payload !== undefined ? { payload: options.payload } : {}),
    });
  }

  /** Problems found, as readable lines (an empty list passes). */
  function judge(label: string, response: LightMyRequestResponse, allowSuccess = false): string[] {
    const status = response.statusCode;
    if (allowSuccess && status < 400) return [];
    if (status < 400 || status >= 500) return [`${label}: status ${status} ${response.body.slice(0, 200)}`];
    let code: unknown;
    try {
      code = (response.json() as { error?: { code?: unknown } }).error?.code;
    } catch {
      return [`${label}: ${status} without a JSON error body`];
    }
    if (typeof code !== 'string' || !CATALOGUE.has(code))
      return [`${label}: code ${String(code)} is not in the catalogue`];
    if (ERRORS[code as keyof typeof ERRORS].status !== status) return [`${label}: ${code} answered with ${status}`];
    return [];
  }

  const withBody = (): Operation[] => operations.filter((op) => op.body !== null);

  it('walks a document that lists the body-taking operations', () => {
    const names = withBody().map((op) => `${op.method} ${op.path}`);
    expect(names).toContain('POST /api/v1/sign-in');
    expect(names).toContain('POST /api/v1/setup');
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  for (const signedIn of [true, false]) {
    const who = signedIn ? 'signed in' : 'anonymous';

    it(`malformed JSON, empty bodies, arrays and scalars are 400 invalid_request (${who})`, async () => {
      const problems: string[] = [];
      for (const op of withBody()) {
        const cases: Array<[string, string | undefined]> = [
          ['truncated JSON', '{"email": "a@b.test", '],
          ['not JSON', 'email=a@b.test'],
          ['single quotes', "{'email': 'x'}"],
          ['trailing garbage', '{} {}'],
          ['empty body', ''],
          ['whitespace body', '   '],
          ['array', '[]'],
          ['array of objects', JSON.stringify([validBody(op.body!)])],
          ['string', '"hello"'],
          ['number', '42'],
          ['null', 'null'],
          ['prototype pollution', '{"__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}}'],
        ];
        for (const [label, payload] of cases) {
          const response = await send(op, { signedIn, payload, contentType: 'application/json' });
          problems.push(...judge(`${op.method} ${op.path} ${label}`, response));
          if (response.statusCode < 500 && response.statusCode !== 400 && response.statusCode !== 413) {
            problems.push(`${op.method} ${op.path} ${label}: expected 400, got ${response.statusCode}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it(`a wrong type for any property is 400 invalid_request naming the field (${who})`, async () => {
      const problems: string[] = [];
      let checked = 0;
      for (const op of withBody()) {
        for (const [name, schema] of Object.entries(op.body!.properties ?? {})) {
          for (const wrong of wrongTypes(schema)) {
            const body = { ...validBody(op.body!), [name]: wrong };
            const response = await send(op, {
              signedIn,
              payload: JSON.stringify(body),
              contentType: 'application/json',
            });
            const label = `${op.method} ${op.path} ${name}=${JSON.stringify(wrong)}`;
            problems.push(...judge(label, response));
            checked += 1;
            if (response.statusCode !== 400) continue;
            const error = (response.json() as { error: { code: string; field?: string } }).error;
            if (error.code !== 'invalid_request' || error.field !== name)
              problems.push(`${label}: ${error.code} field=${error.field}`);
          }
        }
      }
      expect(checked).toBeGreaterThan(50);
      expect(problems).toEqual([]);
    });

    it(`a missing required property and an unknown field are 400 invalid_request (${who})`, async () => {
      const problems: string[] = [];
      for (const op of withBody()) {
        const unknown = await send(op, {
          signedIn,
          payload: JSON.stringify({ ...validBody(op.body!), isAdmin: true }),
          contentType: 'application/json',
        });
        problems.push(...judge(`${op.method} ${op.path} unknown field`, unknown));
        if (unknown.statusCode !== 400 || unknown.json().error.field !== 'isAdmin')
          problems.push(`${op.method} ${op.path}: unknown field answered ${unknown.body}`);
        for (const name of op.body!.required ?? []) {
          const body = validBody(op.body!);
          delete body[name];
          const missing = await send(op, { signedIn, payload: JSON.stringify(body), contentType: 'application/json' });
          problems.push(...judge(`${op.method} ${op.path} without ${name}`, missing));
          if (missing.statusCode !== 400 || missing.json().error.field !== name)
            problems.push(`${op.method} ${op.path}: missing ${name} answered ${missing.body}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it(`bodies over 64 KiB are 413 payload_too_large (${who})`, async () => {
      const problems: string[] = [];
      for (const op of withBody()) {
        const body = { ...validBody(op.body!), padding: 'x'.repeat(70 * 1024) };
        for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
          const response = await send(op, { signedIn, payload: JSON.stringify(body), contentType });
          problems.push(...judge(`${op.method} ${op.path} huge ${contentType}`, response));
          if (response.statusCode !== 413 || response.json().error.code !== 'payload_too_large') {
            problems.push(`${op.method} ${op.path} huge ${contentType}: ${response.statusCode}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it(`text, form and other content types are 415 unsupported_media_type (${who})`, async () => {
      const problems: string[] = [];
      for (const op of withBody()) {
        const json = JSON.stringify(validBody(op.body!));
        const form = new URLSearchParams(
          Object.entries(validBody(op.body!)).map(([k, v]) => [k, String(v)]),
        ).toString();
        const cases: Array<[string, string | null, string]> = [
          ['text/plain', 'text/plain', json],
          ['form', 'application/x-www-form-urlencoded', form],
          [
            'multipart',
            'multipart/form-data; boundary=xyz',
            `--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--xyz--\r\n`,
          ],
          ['xml', 'application/xml', '<a/>'],
          ['bogus', 'not a media type', json],
          ['none', null, json],
        ];
        for (const [label, contentType, payload] of cases) {
          const response = await send(op, { signedIn, payload, contentType });
          problems.push(...judge(`${op.method} ${op.path} ${label}`, response));
          if (response.statusCode !== 415)
            problems.push(
              `${op.method} ${op.path} ${label}: expected 415, got ${response.statusCode} ${response.body}`,
            );
        }
      }
      expect(problems).toEqual([]);
    });

    it(`Unicode, emoji, NUL, RTL and huge strings in every string field never cause a 5xx (${who})`, async () => {
      const problems: string[] = [];
      for (const op of withBody()) {
        const stringFields = Object.entries(op.body!.properties ?? {}).filter(
          ([, s]) => (s.type ?? 'string') === 'string',
        );
        for (const [name] of stringFields) {
          for (const odd of ODD_STRINGS) {
            const body = { ...validBody(op.body!), [name]: odd };
            const response = await send(op, {
              signedIn,
              payload: JSON.stringify(body),
              contentType: 'application/json',
            });
            // Odd but well-formed text may be accepted (an IDN address is legitimate); it must never break the server.
            problems.push(
              ...judge(`${op.method} ${op.path} ${name}=${JSON.stringify(odd.slice(0, 30))}`, response, true),
            );
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('junk path parameters are a 4xx with a catalogue code', async () => {
    const problems: string[] = [];
    const withParams = operations.filter((op) => op.pathParams.length > 0);
    expect(withParams.length).toBeGreaterThan(0);
    for (const op of withParams) {
      for (const name of op.pathParams) {
        for (const junk of JUNK_PATH_VALUES) {
          const url = urlFor(op, { [name]: junk });
          const payload = op.body ? JSON.stringify(validBody(op.body)) : undefined;
          const response = await send(op, {
            signedIn: true,
            url,
            payload,
            contentType: payload ? 'application/json' : null,
          });
          problems.push(...judge(`${op.method} ${url.slice(0, 80)}`, response));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('junk query strings on GET routes with a query schema are a 4xx with a catalogue code', async () => {
    const problems: string[] = [];
    const withQuery = operations.filter((op) => op.method === 'GET' && Object.keys(op.query).length > 0);
    expect(withQuery.length).toBeGreaterThan(0);
    for (const op of withQuery) {
      const queries = [
        'unknownParam=1',
        ...Object.keys(op.query).flatMap((name) => [
          `${name}=%00`,
          `${name}=${'9'.repeat(500)}`,
          `${name}=a&${name}=b`,
          `${name}[$ne]=x`,
          `${name}=%E2%80%AE%F0%9F%98%80`,
          `${name}=%ZZ`,
          `${name}='%20OR%201=1--`,
        ]),
      ];
      for (const query of queries) {
        const response = await send(op, { signedIn: true, url: `${urlFor(op)}?${query}` });
        problems.push(...judge(`${op.method} ${op.path}?${query.slice(0, 60)}`, response));
      }
    }
    expect(problems).toEqual([]);
  });

  it('the server is still healthy and the owner still signed in afterwards, with no error logged', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const session = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: ownerCookie } });
    expect(session.statusCode).toBe(200);
    const errors = t.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});
