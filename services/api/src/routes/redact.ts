import type { FastifyRequest } from 'fastify';

/**
 * Invite, unsubscribe, verification and reset tokens travel in the path; request logs and spans keep the route but
 * never a usable token.
 */
export function redactPathTokens(url: string): string {
  return url.replace(
    /(\/(?:invites|unsubscribe|verify-email|reset-password)\/)[^/?#]+/g,
    '$1[redacted]',
  );
}

/** Fastify's request log line, with path tokens redacted from the URL. */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactPathTokens(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}
