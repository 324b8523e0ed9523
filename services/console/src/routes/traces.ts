import { z } from 'zod';
import { AppError, type HttpServer } from '@herald/runtime';
import { layOut } from '../domain/waterfall.js';
import { html } from '../views/html.js';
import { page } from '../views/layout.js';
import { traceForm, waterfallView } from '../views/traces.js';
import type { RouteContext } from './context.js';
import { sendHtml } from './respond.js';

/** 16 or 32 hex digits (Jaeger accepts both), kept as the 32-digit W3C form. */
const TraceId = z
  .string()
  .trim()
  .regex(/^(?:[0-9a-fA-F]{16}|[0-9a-fA-F]{32})$/, 'a trace id is 16 or 32 hex digits')
  .transform((id) => id.toLowerCase().padStart(32, '0'));

export function traceRoutes(app: HttpServer, ctx: RouteContext): void {
  app.get(
    '/traces',
    { schema: { querystring: z.object({ id: z.string().optional() }) } },
    async (request, reply) => {
      const { id } = request.query;
      if (id !== undefined) {
        const parsed = TraceId.safeParse(id);
        if (parsed.success) return reply.redirect(ctx.traceHref(parsed.data), 303);
      }
      return sendHtml(
        reply,
        page(
          { title: 'Traces', section: 'traces', csrf: ctx.guard.csrf(request) },
          html`${
            id !== undefined
              ? html`<p class="problem" role="alert">"${id}" is not a trace id.</p>`
              : ''
          }
          ${traceForm(id)}
          ${
            ctx.jaegerUiUrl
              ? html`<p>Traces open in Jaeger's UI at <code>${ctx.jaegerUiUrl}</code>.</p>`
              : html`<p class="muted">
                  No Jaeger UI is configured (JAEGER_UI_URL), so traces open here, drawn from
                  Jaeger's query API.
                </p>`
          }`,
        ),
        id === undefined ? 200 : 400,
      );
    },
  );

  app.get(
    '/traces/:traceId',
    { schema: { params: z.strictObject({ traceId: TraceId }) } },
    async (request, reply) => {
      const { traceId } = request.params;
      const trace = await ctx.traces.trace(traceId);
      if (!trace) {
        throw new AppError('notFound', `Jaeger has no trace ${traceId} (yet, or any more)`);
      }
      return sendHtml(
        reply,
        page(
          { title: `Trace ${traceId}`, section: 'traces', csrf: ctx.guard.csrf(request) },
          html`${waterfallView(layOut(trace))} ${traceForm()}`,
        ),
      );
    },
  );
}
