/**
 * Request validators compiled once per process. Fastify compiles every route's JSON schema with Ajv for each
 * app it builds (~300 ms for this app); an app built again in the same process (the test suites build one per
 * test, the multi-instance tests several) reuses the validators of an identical schema. Ajv's options are the
 * app's own (src/app.ts): unknown fields refused, no type coercion.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

type BuildValidator = ReturnType<typeof AjvCompiler>;

const fromPool: BuildValidator = AjvCompiler();
const compiled = new WeakMap<object, Map<string, unknown>>();

export const buildValidator = ((externalSchemas: unknown, options: unknown) => {
  const compile = (fromPool as (e: unknown, o: unknown) => FastifySchemaCompiler<unknown>)(externalSchemas, options);
  let cache = compiled.get(compile);
  if (!cache) compiled.set(compile, (cache = new Map()));
  const known = cache;
  return ((route) => {
    const key = JSON.stringify(route.schema);
    let validator = known.get(key);
    if (validator === undefined) known.set(key, (validator = compile(route)));
    return validator;
  }) as FastifySchemaCompiler<unknown>;
}) as unknown as BuildValidator;
