import type { HttpServer } from '@herald/runtime';
import { html } from '../views/html.js';
import { page, section } from '../views/layout.js';
import { changesTable, leaderPanel, schedulesList } from '../views/scheduler.js';
import type { RouteContext } from './context.js';
import { registerLiveRoute, sendHtml, settle, type Fragments } from './respond.js';

export function schedulerRoutes(app: HttpServer, ctx: RouteContext): void {
  const fragments: Fragments<'leader' | 'schedules' | 'changes'> = async () => {
    const leadership = ctx.scheduler.leadership(20);
    const schedules = ctx.scheduler.schedules().then((all) =>
      Promise.all(
        all.map(async (s) => ({
          ...s,
          slots: await ctx.scheduler
            .slots(s.name, 5)
            .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        })),
      ),
    );
    const [leader, changes, list] = await Promise.all([
      settle(leadership, leaderPanel),
      settle(leadership, changesTable),
      settle(schedules, schedulesList),
    ]);
    return { leader, schedules: list, changes };
  };

  app.get('/scheduler', async (request, reply) => {
    const f = await fragments();
    return sendHtml(
      reply,
      page(
        {
          title: 'Scheduler',
          section: 'scheduler',
          csrf: ctx.guard.csrf(request),
          live: '/live/scheduler',
        },
        html`<div class="columns">
            ${section('leader', 'Leader', f.leader)}
            ${section('changes', 'Leadership changes', f.changes)}
          </div>
          ${section('schedules', 'Schedules', f.schedules)}`,
      ),
    );
  });
  registerLiveRoute(app, '/live/scheduler', { intervalMs: ctx.liveIntervalMs }, () => fragments);
}
