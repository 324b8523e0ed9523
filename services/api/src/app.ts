import {
  createHttpServer,
  registerHealthRoutes,
  type Logger,
  type ReadinessCheck,
} from '@herald/runtime';
import type { ApiPorts } from './domain/ports.js';
import { authRoutes } from './routes/auth.js';

export interface ApiAppDeps {
  readonly logger: Logger;
  readonly ports: ApiPorts;
  readonly readiness: Record<string, ReadinessCheck>;
}

export function buildApp(deps: ApiAppDeps) {
  const app = createHttpServer({ logger: deps.logger });
  registerHealthRoutes(app, deps.readiness);
  authRoutes(app, deps.ports);
  return app;
}
