import { z } from 'zod';
import { CommonEnv, parseEnv, portWithDefault } from '@herald/runtime';

/** `''` counts as unset, so an empty variable in a compose file or chart keeps the default. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/**
 * `name=url,...`: the services whose readiness and metrics the overview reads. A name may repeat,
 * one entry per replica (local scheduler replicas); the scheduler's API is read from the first of
 * its entries that answers.
 */
const localServices =
  'api=http://127.0.0.1:3000,notifier=http://127.0.0.1:3001,activity=http://127.0.0.1:3002,scheduler=http://127.0.0.1:3003,mailer=http://127.0.0.1:3004';

const ServiceUrls = z
  .string()
  .default(localServices)
  .transform((list, ctx) => {
    const targets: { service: string; url: string }[] = [];
    for (const pair of list.split(',').filter((p) => p.trim() !== '')) {
      const [service, url, ...rest] = pair.split('=').map((part) => part.trim());
      if (!service || !url || rest.length > 0 || !URL.canParse(url)) {
        ctx.addIssue({ code: 'custom', message: `expected service=url, got "${pair}"` });
        return z.NEVER;
      }
      targets.push({ service, url: url.replace(/\/$/, '') });
    }
    return targets;
  });

export const ConsoleEnv = CommonEnv.omit({ MONGO_URL: true }).extend({
  PORT: portWithDefault(3005),
  /** The operator token: a bearer token, or typed on the sign-in page. */
  CONSOLE_TOKEN: z.string().min(32, 'must be at least 32 characters (npm start generates one)'),
  /** Base URL of the RabbitMQ management API, with the console user's credentials. */
  RABBITMQ_MANAGEMENT_URL: z.string().url().default('http://guest:guest@127.0.0.1:15672'),
  SERVICE_URLS: ServiceUrls,
  /** Jaeger's query API, which the trace waterfall is drawn from. */
  JAEGER_QUERY_URL: z.string().url().default('http://127.0.0.1:16686'),
  /** Jaeger's web UI; when set, trace ids link there instead of to the console's waterfall. */
  JAEGER_UI_URL: z.preprocess(unsetIfEmpty, z.string().url().optional()),
  /** Dead letters replayed per second by "replay all", so a replay cannot flood a recovering service. */
  REPLAY_RATE: z.coerce.number().positive().max(1_000).default(20),
  /** How often live pages re-read what they show. */
  LIVE_INTERVAL_MS: z.coerce.number().int().min(200).default(2_000),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** Marks the session cookie Secure; set it when the console is served over HTTPS. */
  COOKIE_SECURE: z.preprocess(unsetIfEmpty, z.enum(['true', 'false']).default('false')),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(ConsoleEnv, env);
  const broker = new URL(parsed.RABBITMQ_URL);
  return {
    ...parsed,
    /** The vhost the queues live in: the AMQP URL's path, `/` when it names none. */
    vhost: decodeURIComponent(broker.pathname.slice(1)) || '/',
    cookieSecure: parsed.COOKIE_SECURE === 'true',
    sessionTtlMs: parsed.SESSION_TTL_HOURS * 3_600_000,
  };
}
export type ConsoleConfig = ReturnType<typeof loadConfig>;
