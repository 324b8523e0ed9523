import { createHttpServer, registerHealthRoutes, registerMetricsRoute } from '@herald/runtime';
import { assetRoutes } from './routes/assets.js';
import type { ConsoleAppDeps, RouteContext } from './routes/context.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { registerErrorPages } from './routes/error-pages.js';
import { registerOperatorGuard } from './routes/operator.js';
import { overviewRoutes } from './routes/overview.js';
import { consoleContentSecurityPolicy } from './routes/respond.js';
import { schedulerRoutes } from './routes/scheduler.js';
import { signInRoutes } from './routes/sign-in.js';
import { traceRoutes } from './routes/traces.js';

export type { ConsoleAppDeps } from './routes/context.js';

/** The console's HTTP face: server-rendered pages, their live streams, and the DLQ actions. */
export function buildApp(deps: ConsoleAppDeps) {
  const app = createHttpServer({
    logger: deps.logger,
    contentSecurityPolicy: consoleContentSecurityPolicy,
  });
  // Forms post application/x-www-form-urlencoded; a repeated field keeps its last value.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const guard = registerOperatorGuard(app, {
    sessions: deps.sessions,
    ttlMs: deps.sessionTtlMs,
    secure: deps.cookieSecure,
  });
  registerErrorPages(app);
  // Ready while it serves: a broker or service outage is what an operator opens the console for.
  registerHealthRoutes(app, {});
  registerMetricsRoute(app, deps.metrics);
  const ui = deps.jaegerUiUrl?.replace(/\/$/, '');
  const ctx: RouteContext = {
    ...deps,
    guard,
    traceHref: (traceId) => (ui ? `${ui}/trace/${traceId}` : `/traces/${traceId}`),
  };
  assetRoutes(app);
  signInRoutes(app, ctx);
  overviewRoutes(app, ctx);
  deadLetterRoutes(app, ctx);
  schedulerRoutes(app, ctx);
  traceRoutes(app, ctx);
  return app;
}
