import { z } from 'zod';
import {
  AppError,
  createHttpServer,
  registerHealthRoutes,
  registerMetricsRoute,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@herald/runtime';
import type { ScheduleStatus } from './domain/firing.js';
import type { ConsumerHealth } from './domain/pipeline.js';
import type { Leadership, SlotEntry } from './domain/ports.js';

export interface SchedulerStatus {
  readonly holder: string;
  readonly leader: boolean;
  readonly fencingToken: number | null;
  readonly leaseExpiresAt: string | null;
  readonly slotsFired: number;
  readonly schedules: readonly ScheduleStatus[];
}

export interface SchedulerAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Record<string, ReadinessCheck>;
  readonly status: () => SchedulerStatus;
  readonly pipeline: () => Promise<readonly ConsumerHealth[]>;
  /** The lease and its past terms as the store has them, whichever replica answers. */
  readonly leadership: (limit: number) => Promise<Leadership>;
  readonly recentSlots: (schedule: string, limit: number) => Promise<readonly SlotEntry[]>;
  readonly now: () => Date;
}

const Limit = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(20) });

export function buildApp(deps: SchedulerAppDeps) {
  const app = createHttpServer({ logger: deps.logger });
  registerHealthRoutes(app, deps.readiness);
  registerMetricsRoute(app, deps.metrics);
  app.get('/status', { logLevel: 'warn' }, () => deps.status());
  // End-to-end pipeline health: which consumer is lagging or silent on heartbeats.
  app.get('/pipeline', { logLevel: 'warn' }, async () => {
    const consumers = await deps.pipeline();
    return { healthy: consumers.every((c) => c.status === 'ok'), consumers };
  });
  // Who leads and since when, and the changes of hands before (newest first).
  app.get('/leadership', { logLevel: 'warn', schema: { querystring: Limit } }, async (request) => {
    const { lease, terms } = await deps.leadership(request.query.limit);
    return {
      lease: lease
        ? {
            holder: lease.holder,
            fencingToken: lease.token,
            since: lease.since?.toISOString() ?? null,
            expiresAt: lease.expiresAt.toISOString(),
            live: lease.expiresAt.getTime() > deps.now().getTime(),
          }
        : null,
      changes: terms.map((t) => ({
        holder: t.holder,
        fencingToken: t.token,
        since: t.since.toISOString(),
      })),
    };
  });
  // A schedule's latest slots from the ledger: claimed by which token, published or not yet.
  app.get(
    '/schedules/:name/slots',
    {
      logLevel: 'warn',
      schema: { params: z.strictObject({ name: z.string() }), querystring: Limit },
    },
    async (request) => {
      const { name } = request.params;
      if (!deps.status().schedules.some((s) => s.name === name)) {
        throw new AppError('notFound', `no schedule named "${name}"`);
      }
      const slots = await deps.recentSlots(name, request.query.limit);
      return {
        schedule: name,
        slots: slots.map((s) => ({
          slot: s.slot.toISOString(),
          fencingToken: s.token,
          claimedAt: s.claimedAt.toISOString(),
          published: s.published,
          publishedAt: s.publishedAt?.toISOString() ?? null,
        })),
      };
    },
  );
  return app;
}
