import type { FastifyRequest } from 'fastify';

/** Invite tokens travel in the path; request logs keep the route but never a usable token. */
export function redactInviteToken(url: string): string {
  return url.replace(/(\/invites\/)[^/?#]+/g, '$1[redacted]');
}

/** Fastify's request log line, with the invite token redacted from the URL. */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactInviteToken(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}
