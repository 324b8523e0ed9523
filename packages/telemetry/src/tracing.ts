import { createRequire } from 'node:module';
import type { Span } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

let sdk: NodeSDK | undefined;

export interface TracingOptions {
  readonly service: string;
  readonly version: string;
  /** OTLP base URL (e.g. http://jaeger:4318); tracing stays off when it is not set. */
  readonly endpoint: string | undefined;
  readonly environment?: string;
  /** Rewrites request URLs before they become span attributes (tokens in paths). */
  readonly redactUrl?: (url: string) => string;
}

/** The URL attributes the HTTP server instrumentation sets, under the old and the new conventions. */
const urlAttributes = ['http.target', 'http.url', 'url.path', 'url.full'] as const;

/**
 * Starts the OpenTelemetry SDK. Must run before the instrumented libraries are first loaded, so
 * each service loads it with `node --import ./dist/instrumentation.js` ahead of its main module.
 */
export function startTracing(options: TracingOptions): boolean {
  if (!options.endpoint || sdk) return false;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.service,
      [ATTR_SERVICE_VERSION]: options.version,
      'deployment.environment.name': options.environment ?? 'development',
    }),
    traceExporter: new OTLPTraceExporter({
      url: `${options.endpoint.replace(/\/$/, '')}/v1/traces`,
    }),
    instrumentations: [
      // Health and metrics scrapes would drown the traces that matter.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? ''),
        ...(options.redactUrl ? { requestHook: redactingHook(options.redactUrl) } : {}),
      }),
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new MongoDBInstrumentation(),
      new PinoInstrumentation(),
      // RabbitMQ publish and process spans are made by @herald/bus itself (its tracing.ts).
    ],
  });
  sdk.start();
  return true;
}

/** The HTTP instrumentation's request hook that overwrites a token-bearing URL's attributes. */
export function redactingHook(redact: (url: string) => string) {
  return (span: Pick<Span, 'setAttribute'>, request: object) => {
    if (!('url' in request) || typeof request.url !== 'string') return;
    const path = redact(request.url);
    if (path === request.url) return;
    // Only a request whose URL holds a token gets these overwritten, each with its redacted form.
    const host = 'headers' in request ? (request.headers as { host?: string }).host : undefined;
    const full = `http://${host ?? 'localhost'}${path}`;
    for (const name of urlAttributes) {
      span.setAttribute(name, name === 'http.url' || name === 'url.full' ? full : path);
    }
  };
}

/** Flushes pending spans; call last on shutdown. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

/**
 * What each service's `src/instrumentation.ts` calls: tracing from the standard OTel env, the
 * version from the service's package.json (one directory above src/ and dist/).
 */
export function bootstrapTracing(
  service: string,
  instrumentationUrl: string,
  redactUrl?: (url: string) => string,
): boolean {
  const pkg = createRequire(instrumentationUrl)('../package.json') as { version?: string };
  return startTracing({
    service,
    version: pkg.version ?? '0.0.0',
    endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
    environment: process.env.HERALD_ENVIRONMENT,
    ...(redactUrl ? { redactUrl } : {}),
  });
}
