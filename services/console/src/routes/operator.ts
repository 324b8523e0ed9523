import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type HttpServer } from '@herald/runtime';
import { parseCookies, serializeCookie } from '../auth/cookies.js';
import type { Session, Sessions } from '../auth/session.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without signing in: the sign-in page and the static assets it needs. */
    readonly public?: boolean;
  }
}

/** Who is asking: a client with the bearer token, or a browser with a session cookie. */
export type Operator =
  { readonly via: 'bearer' } | { readonly via: 'session'; readonly session: Session };

export const sessionCookie = 'herald_console_session';

/** Probes and Prometheus, as on every Herald service. */
const unauthenticated = new Set(['/healthz', '/readyz', '/metrics']);
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** Only a path on this site: `next` must not send a signed-in operator elsewhere. */
export function localPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

export interface OperatorGuard {
  operator(request: FastifyRequest): Operator;
  /** The CSRF token forms on this request's pages carry (none for a bearer client). */
  csrf(request: FastifyRequest): string | undefined;
  signIn(reply: FastifyReply): void;
  signOut(reply: FastifyReply): void;
}

/**
 * Every route but the probes and `config.public` ones needs the operator: `Authorization: Bearer
 * <CONSOLE_TOKEN>`, or the session cookie the sign-in page sets. A browser asking for a page is
 * sent to sign in; anything else gets 401. Every unsafe request that rides on the cookie must
 * carry the session's CSRF token (form field `csrf` or header `x-csrf-token`); a bearer request
 * needs none, since no browser attaches that header to another site's request by itself.
 */
export function registerOperatorGuard(
  app: HttpServer,
  options: { readonly sessions: Sessions; readonly ttlMs: number; readonly secure: boolean },
): OperatorGuard {
  const { sessions } = options;
  const operators = new WeakMap<FastifyRequest, Operator>();

  const identify = (request: FastifyRequest): Operator | undefined => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      return sessions.isOperatorToken(authorization.slice('Bearer '.length))
        ? { via: 'bearer' }
        : undefined;
    }
    const session = sessions.verify(parseCookies(request.headers.cookie)[sessionCookie]);
    return session ? { via: 'session', session } : undefined;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public || unauthenticated.has(request.routeOptions.url ?? '')) {
      return;
    }
    const operator = identify(request);
    if (operator) {
      operators.set(request, operator);
      return;
    }
    if (request.method === 'GET' && acceptsHtml(request)) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    throw new AppError(
      'unauthorized',
      'sign in first: send the operator token as a bearer token, or use the sign-in page',
    );
  });

  app.addHook('preValidation', async (request) => {
    const operator = operators.get(request);
    if (!operator || operator.via !== 'session' || !unsafeMethods.has(request.method)) return;
    const body = request.body as { csrf?: unknown } | undefined;
    const candidate = body?.csrf ?? request.headers['x-csrf-token'];
    if (!sessions.checkCsrf('session', operator.session.id, candidate)) {
      throw new AppError('forbidden', 'missing or wrong CSRF token: reload the page and try again');
    }
  });

  return {
    operator(request) {
      const operator = operators.get(request);
      if (!operator) throw new AppError('unauthorized', 'sign in first');
      return operator;
    },
    csrf(request) {
      const operator = operators.get(request);
      return operator?.via === 'session'
        ? sessions.csrfToken('session', operator.session.id)
        : undefined;
    },
    signIn(reply) {
      const { cookie } = sessions.issue();
      reply.header(
        'set-cookie',
        serializeCookie(sessionCookie, cookie, {
          maxAgeSeconds: options.ttlMs / 1_000,
          secure: options.secure,
        }),
      );
    },
    signOut(reply) {
      reply.header(
        'set-cookie',
        serializeCookie(sessionCookie, '', { maxAgeSeconds: 0, secure: options.secure }),
      );
    },
  };
}
