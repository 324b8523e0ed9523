import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import { callerOf, type AccessClaims, type TokenVerifier } from '@herald/auth';
import { AppError } from '@herald/runtime';

/** OpenAPI: the routes that need `Authorization: Bearer <access token>`. */
export const bearerSecurity = [{ bearerAuth: [] }];

export interface Authenticator {
  /**
   * A preParsing hook: after the rate limit (onRequest), before the body is read, so an anonymous
   * request gets 401 whatever its body, and is still counted against its IP's budget.
   */
  readonly required: (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: RequestPayload,
  ) => Promise<RequestPayload>;
  /** The caller the hook verified for this request. */
  readonly caller: (request: FastifyRequest) => AccessClaims;
}

export function createAuthenticator(verifier: TokenVerifier): Authenticator {
  const callers = new WeakMap<FastifyRequest, AccessClaims>();
  return {
    async required(request, _reply, payload) {
      callers.set(request, await callerOf(request.headers, verifier));
      return payload;
    },
    caller(request) {
      const caller = callers.get(request);
      if (!caller) throw new AppError('unauthorized', 'not authenticated');
      return caller;
    },
  };
}
