import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { securityHeaders, type HttpServer } from '@herald/runtime';
import { problem } from '../views/format.js';
import type { Html } from '../views/html.js';

/**
 * No script, style or connection but the console's own. The waterfall's bars are SVG attributes,
 * not inline styles.
 */
export const consoleContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendHtml(reply: FastifyReply, markup: Html, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(markup.toString());
}

/** Re-reads a page's fragments: id -> markup of the element with that id. */
export type Fragments<K extends string = string> = () => Promise<Record<K, Html>>;

/**
 * Server-Sent Events for a live page: every `intervalMs` its fragments are read again and the
 * ones that changed are sent as `event: fragments` (`[{id, html}]`), which the page's script puts
 * in place. The markup comes from the same functions that drew the page.
 */
export function registerLiveRoute(
  app: HttpServer,
  path: string,
  options: { readonly intervalMs: number },
  fragmentsFor: (request: FastifyRequest) => Fragments,
): void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });
  app.get(path, { exposeHeadRoute: false, logLevel: 'warn' }, async (request, reply) => {
    const fragments = fragmentsFor(request);
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...securityHeaders(consoleContentSecurityPolicy),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${Math.max(options.intervalMs, 1_000)}\n\n`);
    open.add(response);
    const sent = new Map<string, string>();
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const push = async () => {
      const current = await fragments().catch((error: unknown) => {
        request.log.warn({ err: error }, 'live fragments failed');
        return {};
      });
      const changed = Object.entries(current)
        .map(([id, markup]) => ({ id, html: markup.toString() }))
        .filter(({ id, html }) => sent.get(id) !== html);
      for (const { id, html } of changed) sent.set(id, html);
      // The reader may have gone while the fragments were read: stop polling for it.
      if (closed) return;
      // JSON.stringify escapes newlines, so the payload is one `data:` line.
      response.write(`event: fragments\ndata: ${JSON.stringify(changed)}\n\n`);
      timer = setTimeout(() => void push(), options.intervalMs);
    };
    response.on('close', () => {
      closed = true;
      clearTimeout(timer);
      open.delete(response);
    });
    await push();
  });
}

/** A read that may fail: its section shows the failure and the others still render. */
export async function settle<T>(read: Promise<T>, render: (value: T) => Html): Promise<Html> {
  try {
    return render(await read);
  } catch (error) {
    return problem(error);
  }
}
