import { errorCatalog } from '@herald/errors';
import { z } from 'zod';

/** Settings every service and script reads, under the same names. */
export const CommonEnv = z.object({
  RABBITMQ_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  /** Each service appends its own database name unless the URL names one. */
  MONGO_URL: z.string().startsWith('mongodb').default('mongodb://127.0.0.1:27017'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Prefixes every exchange and queue; lets several Herald installs (or test runs) share a broker. */
  HERALD_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_.-]*$/)
    .default(''),
  /** Interface the HTTP server (health, metrics, API) binds to. */
  HOST: z.string().default('0.0.0.0'),
  /** How long SIGTERM waits for in-flight work before giving up. */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().positive().default(15_000),
});
export type CommonEnv = z.infer<typeof CommonEnv>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = errorCatalog.configInvalid.code;
}

/** Parses the environment once at start-up; a bad value stops the service with every problem listed. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid configuration:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** `mongodb://host/` + `herald_notifier` unless the URL already names a database. */
export function mongoUrlFor(url: string, service: string): string {
  const parsed = new URL(url);
  if (parsed.pathname.length > 1) return url;
  parsed.pathname = `/herald_${service}`;
  return parsed.toString();
}

/** `''` counts as unset, so an empty variable in a compose file or chart keeps the default. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/**
 * Overrides of a consumer's retry policy; tests shorten the waits, production keeps the default.
 * Extend a service's env schema with `RetryEnv.shape` and pass the result to `retryPolicyFromEnv`.
 */
export const RetryEnv = z.object({
  /** Comma-separated waits in ms before attempt 2, 3, ...; the last one repeats. */
  RETRY_DELAYS_MS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(
        /^\s*[1-9]\d*\s*(,\s*[1-9]\d*\s*)*$/,
        'expected comma-separated positive integers (ms)',
      )
      .transform((list) => list.split(',').map((ms) => Number(ms.trim())))
      .optional(),
  ),
  /** Deliveries before a failing message is dead-lettered (1 = no retries). */
  RETRY_MAX_ATTEMPTS: z.preprocess(
    unsetIfEmpty,
    z.coerce.number().int().min(1).max(100).optional(),
  ),
});
export type RetryEnv = z.infer<typeof RetryEnv>;

/** Structurally the contracts' RetryPolicy, so this package does not depend on contracts. */
export interface RetryPolicyLike {
  readonly delaysMs: readonly number[];
  readonly maxAttempts: number;
}

/** `fallback` (usually contracts' `defaultRetry`) with whichever of the two settings is given. */
export function retryPolicyFromEnv(env: RetryEnv, fallback: RetryPolicyLike): RetryPolicyLike {
  return {
    delaysMs: env.RETRY_DELAYS_MS ?? fallback.delaysMs,
    maxAttempts: env.RETRY_MAX_ATTEMPTS ?? fallback.maxAttempts,
  };
}

/** PORT with the service's documented default. */
export function portWithDefault(port: number) {
  return z.coerce.number().int().min(0).max(65_535).default(port);
}
