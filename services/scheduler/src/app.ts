import {
  createHttpServer,
  registerHealthRoutes,
  registerMetricsRoute,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@herald/runtime';
import type { ScheduleStatus } from './domain/firing.js';
import type { ConsumerHealth } from './domain/pipeline.js';

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
}

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
  return app;
}
