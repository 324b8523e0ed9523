import type { HttpServer } from '@herald/runtime';
import { consumerQueues } from '../domain/queues.js';
import { html } from '../views/html.js';
import { page, section } from '../views/layout.js';
import { outboxTable, pipelineTable, queuesTable, readinessTable } from '../views/overview.js';
import type { RouteContext } from './context.js';
import { registerLiveRoute, sendHtml, settle, type Fragments } from './respond.js';

function overviewFragments(
  ctx: RouteContext,
): Fragments<'queues' | 'services' | 'outbox' | 'pipeline'> {
  return async () => {
    const [queues, services, outbox, pipeline] = await Promise.all([
      settle(ctx.queues.queues(), (all) => queuesTable(consumerQueues(all, ctx.namespace))),
      settle(ctx.probe.readiness(), readinessTable),
      settle(ctx.probe.outboxes(), outboxTable),
      settle(ctx.scheduler.pipeline(), pipelineTable),
    ]);
    return { queues, services, outbox, pipeline };
  };
}

export function overviewRoutes(app: HttpServer, ctx: RouteContext): void {
  app.get('/', async (request, reply) => {
    const f = await overviewFragments(ctx)();
    return sendHtml(
      reply,
      page(
        {
          title: 'Overview',
          section: 'overview',
          csrf: ctx.guard.csrf(request),
          live: '/live/overview',
        },
        html`${section('queues', 'Consumer queues', f.queues)}
          <div class="columns">
            ${section('services', 'Service readiness', f.services)}
            ${section('pipeline', 'Pipeline heartbeats', f.pipeline)}
          </div>
          ${section('outbox', 'Outbox', f.outbox)}`,
      ),
    );
  });
  registerLiveRoute(app, '/live/overview', { intervalMs: ctx.liveIntervalMs }, () =>
    overviewFragments(ctx),
  );
}
