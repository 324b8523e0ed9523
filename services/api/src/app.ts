import rateLimit from '@fastify/rate-limit';
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
} from '@herald/runtime';
import type { ApiPorts } from './domain/ports.js';
import { authRoutes } from './routes/auth.js';
import { createAuthenticator } from './routes/authenticate.js';
import { commentRoutes } from './routes/comments.js';
import { inviteRoutes } from './routes/invites.js';
import { requestForLog } from './routes/redact.js';
import { taskRoutes } from './routes/tasks.js';
import { workspaceRoutes } from './routes/workspaces.js';

export interface RateLimits {
  /** Requests per window per client IP, on every route but the probes and /auth/*. */
  readonly max: number;
  /** Requests per window per client IP on all of /auth/* together. */
  readonly authMax: number;
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
  const app = createHttpServer({ logger });
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
  await app.register(swaggerUi, { routePrefix: '/docs' });
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

  registerHealthRoutes(app, deps.readiness);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics);
  if (deps.heartbeats) registerHeartbeatRoute(app, deps.heartbeats);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  const auth = createAuthenticator(deps.verifier);
  const limit = app.rateLimit({ max: deps.rateLimits.authMax, timeWindow });
  authRoutes(app, { ports: deps.ports, auth, limit });
  workspaceRoutes(app, deps.ports, auth);
  inviteRoutes(app, deps.ports, auth);
  taskRoutes(app, deps.ports, auth);
  commentRoutes(app, deps.ports, auth);
  return app;
}
