import {
  createHttpServer,
  registerHealthRoutes,
  registerHeartbeatRoute,
  registerMetricsRoute,
  type HeartbeatStatus,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@herald/runtime';

export interface MailerAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Record<string, ReadinessCheck>;
  readonly heartbeats: () => Promise<HeartbeatStatus>;
}

/** The mailer's HTTP face: liveness, readiness and Prometheus metrics. */
export function buildApp(deps: MailerAppDeps) {
  const app = createHttpServer({ logger: deps.logger });
  registerHealthRoutes(app, deps.readiness);
  registerMetricsRoute(app, deps.metrics);
  registerHeartbeatRoute(app, deps.heartbeats);
  return app;
}
