import type { FastifyRequest } from 'fastify';
import type { TokenVerifier } from '@herald/auth';
import {
  createHttpServer,
  registerHealthRoutes,
  registerHeartbeatRoute,
  registerMetricsRoute,
  type HeartbeatStatus,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@herald/runtime';
import type { NotificationStore } from './domain/ports.js';
import type { PresencePorts } from './domain/read-presence.js';
import type { StreamTicketStore } from './domain/stream-ticket.js';
import { createAuthenticator, redactToken } from './routes/authenticate.js';
import { notificationRoutes } from './routes/notifications.js';
import { presenceRoutes } from './routes/presence.js';
import { streamRoutes, type StreamDeps, type StreamOptions } from './routes/stream.js';

export interface NotifierAppDeps {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly heartbeats?: () => Promise<HeartbeatStatus>;
  readonly readiness: Record<string, ReadinessCheck>;
  readonly notifications: NotificationStore;
  /** This replica's open streams, fed by its live queue. */
  readonly hub: StreamDeps['hub'];
  /** Counts this replica's streams in the shared presence. */
  readonly presence: StreamDeps['presence'];
  readonly members: PresencePorts['members'];
  /** Who streams on any live replica. */
  readonly online: PresencePorts['online'];
  /** Verifies the API's access tokens (public key only). */
  readonly verifier: TokenVerifier;
  /** Stream tickets, shared by every replica. */
  readonly tickets: StreamTicketStore;
  readonly now: () => Date;
  readonly stream?: StreamOptions;
}

/** Fastify's request log line, without the URL's query string (tickets, stray tokens). */
function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactToken(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}

/** The notifier's HTTP face: health, the caller's inbox, its live stream, workspace presence. */
export function buildApp(deps: NotifierAppDeps) {
  const logger = deps.logger.child({}, { serializers: { req: requestForLog } });
  const app = createHttpServer({ logger });
  registerHealthRoutes(app, deps.readiness);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics);
  if (deps.heartbeats) registerHeartbeatRoute(app, deps.heartbeats);
  // Access tokens expire on the real clock (that is what their verification checks), so tickets
  // and streams, which expire with them, keep that clock too.
  const clock = () => new Date();
  const auth = createAuthenticator({ verifier: deps.verifier, tickets: deps.tickets, now: clock });
  notificationRoutes(app, { notifications: deps.notifications, auth, now: deps.now });
  streamRoutes(app, {
    hub: deps.hub,
    notifications: deps.notifications,
    presence: deps.presence,
    auth,
    tickets: deps.tickets,
    now: clock,
    ...(deps.stream ? { options: deps.stream } : {}),
  });
  presenceRoutes(app, { members: deps.members, online: deps.online, auth });
  return app;
}
