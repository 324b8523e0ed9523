import { trace } from '@opentelemetry/api';
import { fastify, type FastifyError } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
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
}

/**
 * A fastify server that validates with zod schemas and answers every failure with
 * `{ error: CODE, message }`: 4xx with a reason for bad input, 5xx only for real faults.
 */
export function createHttpServer(options: HttpServerOptions) {
  const app = fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
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
