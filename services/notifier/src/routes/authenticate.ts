import type { FastifyRequest } from 'fastify';
import { callerOf, type TokenVerifier, type VerifiedAccess } from '@herald/auth';
import { AppError } from '@herald/runtime';
import { redeemStreamTicket, type StreamTicketStore } from '../domain/stream-ticket.js';

/** The query parameter EventSource clients (which cannot set headers) put a stream ticket in. */
export const ticketParam = 'ticket';

/** Verifies callers in onRequest hooks, so an anonymous request is refused before validation. */
export interface Authenticator {
  /** Hook: `Authorization: Bearer <token>` only. */
  readonly bearer: (request: FastifyRequest) => Promise<void>;
  /** Hook: the header, or else a single-use `?ticket=`; a token in the URL is refused. */
  readonly bearerOrTicket: (request: FastifyRequest) => Promise<void>;
  /** The caller a hook verified for this request. */
  readonly caller: (request: FastifyRequest) => VerifiedAccess;
}

/**
 * Drops every query string from a URL, so request logs and spans never carry a usable credential
 * (a ticket, or a token a client put there, however it is encoded).
 */
export function redactToken(url: string): string {
  return url.replace(/\?.*$/s, '?[redacted]');
}

export function createAuthenticator(deps: {
  readonly verifier: TokenVerifier;
  readonly tickets: StreamTicketStore;
  readonly now: () => Date;
}): Authenticator {
  const callers = new WeakMap<FastifyRequest, VerifiedAccess>();
  return {
    async bearer(request) {
      callers.set(request, await callerOf(request.headers, deps.verifier));
    },
    async bearerOrTicket(request) {
      const query = new URL(request.url, 'http://localhost').searchParams;
      if (query.has('access_token')) {
        throw new AppError(
          'unauthorized',
          'an access token in the URL is refused: send it in the Authorization header, or ' +
            'open the stream with a ticket from POST /notifications/stream-tickets',
        );
      }
      const ticket = query.get(ticketParam);
      const caller =
        request.headers.authorization === undefined && ticket !== null
          ? await redeemStreamTicket(ticket, deps)
          : await callerOf(request.headers, deps.verifier);
      callers.set(request, caller);
    },
    caller(request) {
      const caller = callers.get(request);
      if (!caller) throw new AppError('unauthorized', 'not authenticated');
      return caller;
    },
  };
}
