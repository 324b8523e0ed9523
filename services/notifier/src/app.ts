import {
  createHttpServer,
  registerHealthRoutes,
  type Logger,
  type ReadinessCheck,
} from '@herald/runtime';

export interface NotifierAppDeps {
  readonly logger: Logger;
  readonly readiness: Record<string, ReadinessCheck>;
}

/** The notifier's HTTP face: health now, the inbox API on top of it. */
export function buildApp(deps: NotifierAppDeps) {
  const app = createHttpServer({ logger: deps.logger });
  registerHealthRoutes(app, deps.readiness);
  return app;
}
