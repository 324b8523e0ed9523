import { hostname } from 'node:os';
import { z } from 'zod';
import { CommonEnv, ConfigError, mongoUrlFor, parseEnv, portWithDefault } from '@herald/runtime';
import { Schedule, defaultSchedules } from './domain/schedule.js';

const SchedulesJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(Schedule).min(1));

export const SchedulerEnv = CommonEnv.extend({
  PORT: portWithDefault(3003),
  /** Kubernetes-style defaults: a 15 s lease renewed every 5 s. */
  LEASE_TTL_MS: z.coerce.number().int().min(500).default(15_000),
  LEASE_RENEW_MS: z.coerce.number().int().min(100).default(5_000),
  /** Unique per replica; the pod name in Kubernetes. */
  HOLDER_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** JSON array replacing the default schedules (tests use one that fires every second). */
  SCHEDULES: SchedulesJson.optional(),
  TICK_MS: z.coerce.number().int().min(50).default(250),
  MISFIRE_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  MAX_CATCH_UP: z.coerce.number().int().min(1).default(1_000),
  /** `service=url,...`: consumers whose /heartbeat the /pipeline report reads. */
  PIPELINE_TARGETS: z
    .string()
    .default('')
    .transform((list, ctx) => {
      const targets: Record<string, string> = {};
      for (const pair of list.split(',').filter(Boolean)) {
        const [service, url] = pair.split('=');
        if (!service || !url || !URL.canParse(url)) {
          ctx.addIssue({ code: 'custom', message: `expected service=url, got "${pair}"` });
          return z.NEVER;
        }
        targets[service.trim()] = url.trim();
      }
      return targets;
    }),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(SchedulerEnv, env);
  if (parsed.LEASE_RENEW_MS * 2 > parsed.LEASE_TTL_MS) {
    // A renewal must be able to fail once and still land before the lease runs out.
    throw new ConfigError('LEASE_RENEW_MS must be at most half of LEASE_TTL_MS');
  }
  return {
    ...parsed,
    MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'scheduler'),
    schedules: parsed.SCHEDULES ?? defaultSchedules(),
  };
}
export type SchedulerConfig = ReturnType<typeof loadConfig>;
