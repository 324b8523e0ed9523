import type { HttpServer } from '@herald/runtime';
import { html } from '../views/html.js';
import { page } from '../views/layout.js';
import { acceptsHtml } from './operator.js';

interface ErrorBody {
  readonly error?: string;
  readonly message?: string;
}

/**
 * The runtime answers every failure with `{error, message}` JSON; a browser asking for a page gets
 * the same status and reason as a page instead, with its way back.
 */
export function registerErrorPages(app: HttpServer): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (reply.statusCode < 400 || !type.startsWith('application/json') || !acceptsHtml(request)) {
      return payload;
    }
    let body: ErrorBody;
    try {
      body = JSON.parse(String(payload)) as ErrorBody;
    } catch {
      return payload;
    }
    reply.type('text/html; charset=utf-8');
    return page(
      { title: `Error ${reply.statusCode}`, section: 'overview' },
      html`<p class="problem" role="alert">${body.message ?? 'request failed'}</p>
        <p><code>${body.error ?? ''}</code></p>
        <p><a href="/">Back to the overview</a></p>`,
    ).toString();
  });
}
