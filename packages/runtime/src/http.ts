import { trace } from '@opentelemetry/api';
import { fastify, type FastifyError } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import secureJson from 'secure-json-parse';
import { AppError, errorCatalog } from '@herald/errors';

/** fastify's own 4xx refusals that have a code of their own; any other is a malformed request. */
const refusals = [errorCatalog.payloadTooLarge, errorCatalog.unsupportedMediaType];

function refusalCode(status: number): string {
  return (refusals.find((entry) => entry.status === status) ?? errorCatalog.malformedRequest).code;
}

export interface HttpServerOptions {
  readonly logger: Logger;
  /** Largest accepted request body; bigger ones get 413 before any parsing. */
  readonly bodyLimit?: number;
  /**
   * Longest path parameter; a longer one answers 414. fastify's default of 100 is too short for
   * signed tokens in the path (one-click unsubscribe links).
   */
  readonly maxParamLength?: number;
  /** For a server of pages (the console); a JSON API loads nothing, so it allows nothing. */
  readonly contentSecurityPolicy?: string;
  /** Whose X-Forwarded-For to believe for the client's address (see `TrustProxy`). */
  readonly trustProxy?: TrustProxy;
}

/**
 * The proxies in front of a server: a number of hops (the chart's Ingress is one) or their
 * addresses / CIDR ranges. Never "every hop": a client could then name any address it likes and
 * walk past per-client rate limits.
 */
export type TrustProxy = number | readonly string[];

/** As proxy-addr counts hops: the socket's peer is hop 0, the X-Forwarded-For entry before it 1. */
function trustedHops(trust: TrustProxy | undefined): boolean | string[] | TrustHop {
  if (trust === undefined) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}
type TrustHop = (address: string, hop: number) => boolean;

/** TRUST_PROXY: empty (no proxy), a hop count, or comma-separated addresses / CIDRs. */
export const TrustProxyEnv = z
  .string()
  .trim()
  .optional()
  .transform((value, context): TrustProxy | undefined => {
    if (value === undefined || value === '') return undefined;
    if (/^\d+$/.test(value)) return Number(value);
    const addresses = value.split(',').map((a) => a.trim());
    const bad = addresses.filter((a) => !/^[\da-f.:]+(\/\d{1,3})?$/i.test(a));
    if (bad.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `TRUST_PROXY takes a hop count or addresses/CIDRs, not ${bad.join(', ')}`,
      });
      return z.NEVER;
    }
    return addresses;
  });

const jsonApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Headers every response carries: no sniffing a JSON body into HTML, no framing (clickjacking), no
 * referrer leaking a URL with an id in it. A route may set its own policy (the API's /docs page).
 */
export function securityHeaders(contentSecurityPolicy = jsonApiPolicy) {
  return {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  } as const;
}

/**
 * A fastify server that validates with zod schemas and answers every failure with
 * `{ error: CODE, message }`: 4xx with a reason for bad input, 5xx only for real faults.
 */
export function createHttpServer(options: HttpServerOptions) {
  const app = fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    trustProxy: trustedHops(options.trustProxy),
    routerOptions: { maxParamLength: options.maxParamLength ?? 100 },
  }).withTypeProvider<ZodTypeProvider>();
  const headers = securityHeaders(options.contentSecurityPolicy);
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    // Tokens, inboxes and feeds are private: no shared cache or browser history keeps them.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  // Lets a client (and the tracing test) find the request's trace in Jaeger.
  app.addHook('onRequest', async (_request, reply) => {
    const span = trace.getActiveSpan();
    if (span) reply.header('x-trace-id', span.spanContext().traceId);
  });
  // fastify's own JSON parser drops the reason ("Body is not valid JSON"); this one keeps it (the
  // position of a syntax error, a forbidden __proto__ key) with the same prototype-poisoning guard.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') {
      done(new AppError('malformedRequest', 'the JSON body is empty'), undefined);
      return;
    }
    try {
      done(
        null,
        secureJson.parse(body, undefined, {
          protoAction: 'error',
          constructorAction: 'error',
        }),
      );
    } catch (error) {
      done(
        new AppError('malformedRequest', `the body is not valid JSON: ${(error as Error).message}`),
        undefined,
      );
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.status).send({ error: error.code, message: error.message });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      const { code, status } = errorCatalog.validation;
      return reply.code(status).send({
        error: code,
        message: `invalid ${error.validationContext ?? 'request'}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        issues,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // fastify's own refusals (malformed JSON, wrong content type, body too large) get catalog
      // codes, so clients branch on one set of codes.
      return reply.code(status).send({ error: refusalCode(status), message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    const { code, status: internal } = errorCatalog.internal;
    return reply.code(internal).send({ error: code, message: 'internal error' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(errorCatalog.notFound.status).send({
      error: errorCatalog.notFound.code,
      message: `no route ${request.method} ${request.url}`,
    }),
  );
  return app;
}

export type HttpServer = ReturnType<typeof createHttpServer>;
