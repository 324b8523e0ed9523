import type { TokenVerifier } from '@herald/auth';
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
import type { ActivityPorts } from './domain/ports.js';
import { feedRoutes } from './routes/feed.js';

export interface ActivityAppDeps {
  readonly logger: Logger;
  readonly ports: ActivityPorts;
  /** Checks the API's access tokens with its public key. */
  readonly verifier: TokenVerifier;
  readonly readiness: Record<string, ReadinessCheck>;
  readonly metrics?: Metrics;
  readonly heartbeats?: () => Promise<HeartbeatStatus>;
}

/** The activity service's HTTP face: health, and each workspace's feed for its members. */
export function buildApp(deps: ActivityAppDeps) {
  const app = createHttpServer({ logger: deps.logger });
  registerHealthRoutes(app, deps.readiness);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics);
  if (deps.heartbeats) registerHeartbeatRoute(app, deps.heartbeats);
  feedRoutes(app, deps.ports, deps.verifier);
  return app;
}
