import type { FastifyRequest } from 'fastify';
import { callerOf, type AccessClaims, type TokenVerifier } from '@herald/auth';
import { AppError } from '@herald/runtime';

/** The query parameter EventSource clients (which cannot set headers) put the access token in. */
export const tokenParam = 'access_token';

/** Verifies callers in onRequest hooks, so an anonymous request is refused before validation. */
export interface Authenticator {
  /** Hook: `Authorization: Bearer <token>` only. */
  readonly bearer: (request: FastifyRequest) => Promise<void>;
  /** Hook: the header, or else `?access_token=` (for EventSource). */
  readonly bearerOrQuery: (request: FastifyRequest) => Promise<void>;
  /** The caller a hook verified for this request. */
  readonly caller: (request: FastifyRequest) => AccessClaims;
}

/** Replaces the token in a URL, so request logs never carry a usable credential. */
export function redactToken(url: string): string {
  return url.replace(new RegExp(`([?&]${tokenParam}=)[^&#]*`, 'g'), '$1[redacted]');
}

export function createAuthenticator(verifier: TokenVerifier): Authenticator {
  const callers = new WeakMap<FastifyRequest, AccessClaims>();
  return {
    async bearer(request) {
      callers.set(request, await callerOf(request.headers, verifier));
    },
    async bearerOrQuery(request) {
      const token = new URL(request.url, 'http://localhost').searchParams.get(tokenParam);
      const caller =
        request.headers.authorization === undefined && token !== null
          ? await verifier.verify(token)
          : await callerOf(request.headers, verifier);
      callers.set(request, caller);
    },
    caller(request) {
      const caller = callers.get(request);
      if (!caller) throw new AppError('unauthorized', 'not authenticated');
      return caller;
    },
  };
}
