import { z } from 'zod';
import type { PreferenceKind } from '@herald/contracts';
import type { HttpServer } from '@herald/runtime';
import type { ApiPorts } from '../domain/ports.js';
import { unsubscribe, unsubscribeSubject } from '../domain/unsubscribe.js';
import { acceptForms, page, pageResponses, sendPage } from './pages.js';

/** Signed tokens are `<payload>.<mac>` in base64url; their length is checked by the signature. */
export const UnsubscribeParams = z.strictObject({
  token: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'malformed unsubscribe token'),
});

/** RFC 8058: the one-click POST carries exactly this form field. */
export const OneClickBody = z.strictObject({ 'List-Unsubscribe': z.literal('One-Click') });

const what: Record<PreferenceKind, string> = {
  mentioned: 'e-mails when someone @mentions you',
  assigned: 'e-mails when a task is assigned to you',
  overdue: 'reminders about your overdue tasks',
  digest: 'the daily digest',
};

/**
 * One-click unsubscribe, without login: the signed token is the authority. GET only shows what a
 * POST would do (mail scanners fetch links); the POST, from a mail client (RFC 8058) or the page's
 * button, turns that kind of e-mail off. Both live in a scope of their own, so the form body parser
 * they need applies to no other route.
 */
export function unsubscribeRoutes(app: HttpServer, ports: ApiPorts): void {
  void app.register(async (scope: HttpServer) => {
    acceptForms(scope);
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
