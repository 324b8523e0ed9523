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
  readonly code = 'HERALD_CONFIG_INVALID';
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

/** PORT with the service's documented default. */
export function portWithDefault(port: number) {
  return z.coerce.number().int().min(0).max(65_535).default(port);
}
