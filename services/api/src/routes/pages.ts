import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { HttpServer } from '@herald/runtime';

/**
 * What a page route answers: an HTML page, or an error. A path longer than the router takes (a
 * token percent-encoded past `maxParamLength`) is refused by fastify itself with 414.
 */
export const pageResponses = {
  200: {
    description: 'An HTML page saying what the link does (GET) or did (POST)',
    content: { 'text/html': { schema: z.string() } },
  },
  414: z
    .object({ error: z.string(), message: z.string() })
    .describe('The token in the path is longer than any token Herald makes'),
};

/** A small page; `title` and `body` are trusted markup (callers interpolate no user input). */
export function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}' +
    'button,input{font-size:1rem;padding:.5rem 1rem}</style></head>' +
    `<body><h1>${title}</h1>${body}</body></html>`
  );
}

/**
 * The link is a credential: nothing scripted. No caching and no Referer come from the headers every
 * response gets (`createHttpServer`); the page's own policy only adds its inline style and lets its
 * form post to the same origin.
 */
export function sendPage(reply: FastifyReply, html: string) {
  return reply
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    )
    .send(html);
}

/** HTML forms post `application/x-www-form-urlencoded`: parsed in the page routes' scope only. */
export function acceptForms(scope: HttpServer): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
}
