import { z } from 'zod';
import { AppError, type HttpServer } from '@herald/runtime';
import { parseCookies, serializeCookie } from '../auth/cookies.js';
import { page } from '../views/layout.js';
import { signInForm } from '../views/sign-in.js';
import type { RouteContext } from './context.js';
import { localPath } from './operator.js';
import { sendHtml } from './respond.js';

/** The sign-in form's own CSRF nonce, so no other site can sign a browser in behind its back. */
const formCookie = 'herald_console_sign_in';
const formPath = '/sign-in';

export function signInRoutes(app: HttpServer, ctx: RouteContext): void {
  const { sessions } = ctx;

  const form = (reply: Parameters<typeof sendHtml>[0], next: string, failed: boolean) => {
    const nonce = sessions.newNonce();
    reply.header(
      'set-cookie',
      serializeCookie(formCookie, nonce, {
        maxAgeSeconds: 900,
        secure: ctx.cookieSecure,
        path: formPath,
      }),
    );
    return sendHtml(
      reply,
      page(
        { title: 'Sign in' },
        signInForm({ csrf: sessions.csrfToken('sign-in', nonce), next, failed }),
      ),
      failed ? 401 : 200,
    );
  };

  app.get(
    formPath,
    {
      config: { public: true },
      schema: { querystring: z.object({ next: z.string().optional() }) },
    },
    async (request, reply) => form(reply, localPath(request.query.next), false),
  );

  app.post(
    formPath,
    {
      config: { public: true },
      schema: {
        body: z.object({
          csrf: z.string().optional(),
          token: z.string(),
          next: z.string().optional(),
        }),
      },
    },
    async (request, reply) => {
      const nonce = parseCookies(request.headers.cookie)[formCookie];
      if (!nonce || !sessions.checkCsrf('sign-in', nonce, request.body.csrf)) {
        throw new AppError(
          'forbidden',
          'the sign-in form expired or came from elsewhere: open it again',
        );
      }
      const next = localPath(request.body.next);
      if (!sessions.isOperatorToken(request.body.token)) {
        request.log.warn({}, 'sign-in with a wrong token');
        return form(reply, next, true);
      }
      ctx.guard.signIn(reply);
      reply.header(
        'set-cookie',
        serializeCookie(formCookie, '', {
          maxAgeSeconds: 0,
          secure: ctx.cookieSecure,
          path: formPath,
        }),
      );
      return reply.redirect(next, 303);
    },
  );

  app.post(
    '/sign-out',
    { schema: { body: z.object({ csrf: z.string().optional() }).nullish() } },
    async (_request, reply) => {
      ctx.guard.signOut(reply);
      return reply.redirect('/sign-in', 303);
    },
  );
}
