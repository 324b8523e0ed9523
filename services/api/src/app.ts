import rateLimit from '@fastify/rate-limit';
import { trace } from '@opentelemetry/api';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { TokenVerifier } from '@herald/auth';
import { clientErrorStatuses } from '@herald/errors';
import {
  AppError,
  createHttpServer,
  registerHealthRoutes,
  registerHeartbeatRoute,
  registerMetricsRoute,
  type HeartbeatStatus,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type TrustProxy,
} from '@herald/runtime';
import type { ApiPorts } from './domain/ports.js';
import { authRoutes, clientKey, loginAccountKey } from './routes/auth.js';
import { createAuthenticator } from './routes/authenticate.js';
import { commentRoutes } from './routes/comments.js';
import { inviteRoutes } from './routes/invites.js';
import { preferenceRoutes } from './routes/preferences.js';
import { redactPathTokens, requestForLog } from './routes/redact.js';
import { taskRoutes } from './routes/tasks.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { workspaceRoutes } from './routes/workspaces.js';

export interface RateLimits {
  /** Requests per window per client IP, on every route but the probes and /auth/*. */
  readonly max: number;
  /** Requests per window per client IP on /auth/* but refresh, together. */
  readonly authMax: number;
  /** Refreshes per window per client IP: apps refresh on their own, so they get a budget of their own. */
  readonly refreshMax: number;
  /** Login attempts per window per account, from any IP: guessing one password from many addresses. */
  readonly loginPerAccountMax: number;
  readonly windowMs?: number;
}

export interface ApiAppDeps {
  readonly logger: Logger;
  readonly ports: ApiPorts;
  readonly readiness: Record<string, ReadinessCheck>;
  readonly metrics?: Metrics;
  readonly heartbeats?: () => Promise<HeartbeatStatus>;
  /** Verifies access tokens (the public half of the key the ports' signer uses). */
  readonly verifier: TokenVerifier;
  readonly rateLimits: RateLimits;
  /** Which proxy hops' X-Forwarded-For to believe (TRUST_PROXY); none by default. */
  readonly trustProxy?: TrustProxy;
}

const probes = new Set(['/healthz', '/readyz']);

/** The error body every failure has (see the error catalog in @herald/errors). */
const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable HERALD_* code' },
    message: { type: 'string' },
    issues: { type: 'array', items: { type: 'object' } },
  },
} as const;

/**
 * The zod transform, plus every error response in the document: clients (and the fuzzer, which
 * checks responses against the document) see the failures as well as the successes.
 */
const documentErrors: typeof jsonSchemaTransform = (input) => {
  const output = jsonSchemaTransform(input);
  // Routes without a schema (probes, the docs page) come through with none.
  const schema = output.schema as { response?: Record<string, unknown> } | undefined;
  if (schema?.response) {
    for (const [status, entries] of clientErrorStatuses()) {
      const description = entries.map((e) => `${e.code}: ${e.description}`).join(' ');
      schema.response[status] ??= { description, ...errorBody };
    }
    if (schema.response['204'])
      schema.response['204'] = { description: 'No Content', type: 'null' };
  }
  return output;
};

/** The API, ready for `inject` or `listen`. Plugins load before routes so both see every route. */
export async function buildApp(deps: ApiAppDeps) {
  const logger = deps.logger.child({}, { serializers: { req: requestForLog } });
  // Unsubscribe tokens travel in the path and are longer than fastify's default limit of 100.
  const app = createHttpServer({ logger, trustProxy: deps.trustProxy, maxParamLength: 2_048 });
  const timeWindow = deps.rateLimits.windowMs ?? 60_000;

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Herald API',
        version: '1.0.0',
        description:
          'Users, workspaces, tasks and comments. Errors answer `{ error: CODE, message }` with a ' +
          'stable HERALD_* code; 400 adds `issues`.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: documentErrors,
  });
  // Serves swagger-ui's own files from the npm package: the page works offline, with no CDN.
  // Its page runs swagger-ui's scripts, so it gets the package's hashed policy instead of the API's
  // allow-nothing one; minus the https upgrade, which would break a plain-http local run.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (policy) =>
      policy
        .replace(' upgrade-insecure-requests;', '')
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });
  await app.register(rateLimit, {
    global: true,
    max: deps.rateLimits.max,
    timeWindow,
    // Kubernetes probes must never be refused.
    allowList: (request) => probes.has(request.routeOptions.url ?? ''),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'tooManyRequests',
        `rate limit of ${context.max} requests exceeded; retry in ${context.after}`,
      ),
  });

  // fastify's own request span records the raw URL; a token in the path must not reach it.
  app.addHook('onRequest', async (request) => {
    const redacted = redactPathTokens(request.url);
    if (redacted !== request.url) trace.getActiveSpan()?.setAttribute('url.path', redacted);
  });

  registerHealthRoutes(app, deps.readiness);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics);
  if (deps.heartbeats) registerHeartbeatRoute(app, deps.heartbeats);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  const auth = createAuthenticator(deps.verifier);
  authRoutes(app, {
    ports: deps.ports,
    auth,
    limits: {
      perClient: app.rateLimit({
        max: deps.rateLimits.authMax,
        timeWindow,
        keyGenerator: clientKey('auth'),
      }),
      refresh: app.rateLimit({
        max: deps.rateLimits.refreshMax,
        timeWindow,
        keyGenerator: clientKey('refresh'),
      }),
      loginPerAccount: app.createRateLimit({
        max: deps.rateLimits.loginPerAccountMax,
        timeWindow,
        keyGenerator: loginAccountKey,
      }),
    },
  });
  workspaceRoutes(app, deps.ports, auth);
  inviteRoutes(app, deps.ports, auth);
  taskRoutes(app, deps.ports, auth);
  commentRoutes(app, deps.ports, auth);
  preferenceRoutes(app, deps.ports, auth);
  unsubscribeRoutes(app, deps.ports);
  return app;
}
