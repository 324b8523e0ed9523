import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PreferenceKind } from '@herald/contracts';
import type { HttpServer } from '@herald/runtime';
import type { ApiPorts } from '../domain/ports.js';
import { unsubscribe, unsubscribeSubject } from '../domain/unsubscribe.js';

/** Signed tokens are `<payload>.<mac>` in base64url; their length is checked by the signature. */
export const UnsubscribeParams = z.strictObject({
  token: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'malformed unsubscribe token'),
});

/**
 * What both routes answer: an HTML page, or an error. A path longer than the router takes (a
 * token percent-encoded past `maxParamLength`) is refused by fastify itself with 414.
 */
const pageResponses = {
  200: {
    description: 'An HTML page saying what the link does (GET) or did (POST)',
    content: { 'text/html': { schema: z.string() } },
  },
  414: z
    .object({ error: z.string(), message: z.string() })
    .describe('The token in the path is longer than any token Herald signs'),
};

/** RFC 8058: the one-click POST carries exactly this form field. */
export const OneClickBody = z.strictObject({ 'List-Unsubscribe': z.literal('One-Click') });

const what: Record<PreferenceKind, string> = {
  mentioned: 'e-mails when someone @mentions you',
  assigned: 'e-mails when a task is assigned to you',
  overdue: 'reminders about your overdue tasks',
  digest: 'the daily digest',
};

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}' +
    'button{font-size:1rem;padding:.5rem 1rem}</style></head>' +
    `<body><h1>${title}</h1>${body}</body></html>`
  );
}

/**
 * The link is a credential: nothing scripted. No caching and no Referer come from the headers every
 * response gets (`createHttpServer`); the page's own policy only adds its inline style.
 */
function sendPage(reply: FastifyReply, html: string) {
  return reply
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    )
    .send(html);
}

/**
 * One-click unsubscribe, without login: the signed token is the authority. GET only shows what a
 * POST would do (mail scanners fetch links); the POST, from a mail client (RFC 8058) or the page's
 * button, turns that kind of e-mail off. Both live in a scope of their own, so the form body parser
 * they need applies to no other route.
 */
export function unsubscribeRoutes(app: HttpServer, ports: ApiPorts): void {
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    const tags = ['preferences'];

    scope.get(
      '/unsubscribe/:token',
      { schema: { tags, params: UnsubscribeParams, response: pageResponses } },
      async (request, reply) => {
        const { kind } = await unsubscribeSubject(request.params.token, ports);
        const action = `/unsubscribe/${encodeURIComponent(request.params.token)}`;
        return sendPage(
          reply,
          page(
            'Unsubscribe',
            `<p>This turns off ${what[kind]} for your Herald account. Other e-mails (invites, ` +
              'account and security messages) keep coming.</p>' +
              `<form method="post" action="${action}">` +
              '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
              `<button type="submit">Unsubscribe from ${what[kind]}</button></form>`,
          ),
        );
      },
    );

    scope.post(
      '/unsubscribe/:token',
      {
        schema: {
          tags,
          consumes: ['application/x-www-form-urlencoded'],
          params: UnsubscribeParams,
          body: OneClickBody,
          response: pageResponses,
        },
      },
      async (request, reply) => {
        const { kind } = await unsubscribe(request.params.token, ports);
        return sendPage(
          reply,
          page('Unsubscribed', `<p>You will no longer receive ${what[kind]} from Herald.</p>`),
        );
      },
    );
  });
}
