/**
 * buildApp(config, deps): the whole HTTP application, without listening. Tests use app.inject() or
 * listen on port 0; src/server.ts listens and drains on SIGTERM.
 */
import { buildValidator } from './http/validators.ts';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { Config } from './config/index.ts';
import { BODY_LIMIT_BYTES } from './config/defaults.ts';
import type { AppDeps, Ctx } from './context.ts';
import { AppError } from './errors.ts';
import { errorBody, errorHandler } from './http/error-handler.ts';
import { loggerOptions, newRequestId } from './http/log.ts';
import { applySecurityHeaders, securityHeaders } from './http/headers.ts';
import { checkCsrf } from './http/csrf.ts';
import { checkApiKeyReach, resolveSession } from './http/request.ts';
import { isApiRoute } from './http/route.ts';
import { collectOperations, openApiDocument } from './http/openapi.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { accountRoutes } from './accounts/routes.ts';
import { orgRoutes } from './orgs/routes.ts';
import { factorRoutes } from './factors/routes.ts';
import { orgSecurityRoutes } from './orgs/security-routes.ts';
import { exemptionRoutes } from './orgs/exemption-routes.ts';
import { checkupRoutes } from './accounts/checkup-routes.ts';
import { apiKeyRoutes } from './api-keys/routes.ts';
import { recoveryRoutes } from './recovery/routes.ts';
import { totpRoutes } from './factors/totp/routes.ts';
import { passkeyRoutes } from './factors/passkey/routes.ts';
import { phoneRoutes } from './factors/phone/routes.ts';
import { emailRoutes } from './factors/email/routes.ts';
import { pageRoutes, renderErrorPage } from './pages/routes.ts';
import { dbRateLimiter } from './throttle/rate-limiter.ts';
import { metricsRoutes } from './metrics/routes.ts';
import { oidcHolder, oidcRoutes } from './oidc/routes.ts';
import { oidcClientRoutes } from './oidc/client-routes.ts';
import { connectedAppRoutes } from './oidc/connected-app-routes.ts';
import { observeRequest } from './metrics/registry.ts';
import { composeEvents } from './compose.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { webhookPages } from './webhooks/pages.ts';
import { forwardAuthRoutes } from './forward-auth/routes.ts';
import { forwardAuthPages } from './forward-auth/pages.ts';
import { brandingRoutes } from './branding/routes.ts';
import { brandingPages } from './branding/pages.ts';

/** Routes for the operator's tools (load balancer, Prometheus), outside sessions and CSRF. */
const OPERATIONS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export interface BuildOptions {
  /** Pino logger options, or false. Tests pass a stream to scan the logs for secrets. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Set to draining on SIGTERM (src/server.ts): /readyz then answers 503 and every answer closes its connection. */
  readonly lifecycle?: { readonly draining: boolean };
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * A route plugin with its name given: Fastify names an unnamed plugin by searching the whole module cache,
 * which cost ~2 ms a plugin on every app built.
 */
function named<P extends (...args: never[]) => unknown>(plugin: P): P {
  const display = Symbol.for('fastify.display-name');
  const target = plugin as P & { [display]?: string };
  target[display] ??= plugin.name;
  return plugin;
}

export async function buildApp(config: Config, deps: AppDeps, options: BuildOptions = {}): Promise<FastifyInstance> {
  const handleError = errorHandler(renderErrorPage);
  const app = Fastify({
    logger: loggerOptions(options.logger),
    // A hop count trusts that many proxies in front of us (the nearest hops); otherwise true/false/addresses.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    // Unknown fields are refused (400), never silently dropped; types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaController: { compilersFactory: { buildValidator } },
    // A fresh random id per request (an incoming X-Request-Id is not trusted), in every log line and echoed.
    requestIdHeader: false,
    genReqId: newRequestId,
    // Router errors (a malformed %-escape, an over-long path parameter) skip the hooks and the error
    // handler unless routed here: they would otherwise answer in Fastify's format, echoing the URL.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      applySecurityHeaders(config, request, reply);
      handleError(error, request, reply);
    },
  });
  const rateLimiter = deps.rateLimiter ?? dbRateLimiter(deps.db);
  const ctx: Ctx = { ...deps, rateLimiter, config, events: deps.events ?? composeEvents() };
  app.decorate('ctx', ctx);
  app.decorate('oidc', oidcHolder(ctx));
  app.decorateRequest('session', null);

  const operations = collectOperations(app);
  // Answers are plain JSON. Routes' response schemas (src/http/responses.ts) document them; they do not
  // reshape them: fast-json-stringify would drop fields a schema does not list and coerce mismatched types.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(() => {
    throw new AppError('not_found');
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onRequest', securityHeaders(config));
  app.addHook('onResponse', observeRequest);
  app.addHook('preValidation', async (request) => {
    // JSON routes take only JSON: a form post cannot reach them (docs/api.md "CSRF").
    // (A route taking raw bytes, an uploaded logo, says so with `rawBody` and checks them itself.)
    if (
      isApiRoute(request) &&
      request.body !== undefined &&
      !(request.routeOptions.config as { rawBody?: boolean }).rawBody &&
      !String(request.headers['content-type'] ?? '').startsWith('application/json')
    ) {
      throw new AppError('unsupported_media_type');
    }
  });
  // Who is asking, and is it a same-origin request — before the body is validated, so a cross-site or
  // enrolment-blocked request learns nothing from validation errors.
  app.addHook('preValidation', async (request) => {
    // Probes and metrics read no session: they must answer (e.g. 503) while the database is away.
    if (OPERATIONS_ROUTES.has(request.routeOptions.url ?? '')) return;
    await resolveSession(ctx, request);
    checkCsrf(ctx, request);
    checkApiKeyReach(request);
    if (request.session?.enrollmentRequired && isApiRoute(request)) {
      const config = request.routeOptions.config as { enrolment?: boolean; public?: boolean };
      if (!config.enrolment && !config.public) throw new AppError('two_factor_enrollment_required');
    }
  });

  // While draining, clients are told to take their next request elsewhere: new requests here (also the OpenID
  // Connect ones, answered outside Fastify's reply), and the answers of those already in flight.
  const draining = (): boolean => options.lifecycle?.draining === true;
  app.addHook('onRequest', async (request, reply) => {
    if (draining()) reply.raw.setHeader('connection', 'close');
  });
  app.addHook('onSend', async (request, reply) => {
    if (draining()) reply.header('connection', 'close');
  });

  app.get('/healthz', { schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: the database answers, and Redis when configured; 503 once shutting down' } },
    async (request, reply) => {
      if (draining())
        return reply
          .status(503)
          .send(errorBody(new AppError('unavailable', { key: 'errors:messages.service.shuttingDown' })));
      const [database, redis] = await Promise.all([ctx.db.ping(), rateLimiter.ping()]);
      if (database && redis) return { status: 'ready' };
      const key = database ? 'errors:messages.service.redisDown' : 'errors:messages.service.databaseDown';
      return reply.status(503).send(errorBody(new AppError('unavailable', { key })));
    },
  );
  app.get('/openapi.json', async () => openApiDocument(operations, config.publicUrl));

  await app.register(named(sessionRoutes));
  await app.register(named(accountRoutes));
  await app.register(named(orgRoutes));
  await app.register(named(factorRoutes));
  await app.register(named(totpRoutes));
  await app.register(named(passkeyRoutes));
  await app.register(named(phoneRoutes));
  await app.register(named(emailRoutes));
  await app.register(named(orgSecurityRoutes));
  await app.register(named(exemptionRoutes));
  await app.register(named(checkupRoutes));
  await app.register(named(apiKeyRoutes));
  await app.register(named(recoveryRoutes));
  await app.register(named(pageRoutes));
  await app.register(named(metricsRoutes));
  await app.register(named(oidcRoutes));
  await app.register(named(oidcClientRoutes));
  await app.register(named(connectedAppRoutes));
  await app.register(named(webhookRoutes));
  await app.register(named(webhookPages));
  await app.register(named(forwardAuthRoutes));
  await app.register(named(forwardAuthPages));
  await app.register(named(brandingRoutes));
  await app.register(named(brandingPages));
  return app;
}
