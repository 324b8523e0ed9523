import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError, type HttpServer } from '@herald/runtime';
import type { Notification } from '../domain/notification.js';
import { tokenParam, type Authenticator } from './authenticate.js';
import { toView } from './views.js';

/** The side of the live hub a stream needs. */
export interface LiveSubscriptions {
  subscribe(userId: string, listener: (notification: Notification) => void): () => void;
  listeners(userId: string): number;
}

export interface StreamOptions {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  readonly heartbeatMs?: number;
  /** Open streams one user may hold (tabs, devices); more are refused with 429. */
  readonly maxStreamsPerUser?: number;
  /** A client this far behind (unsent bytes) is disconnected rather than buffered without bound. */
  readonly maxBufferedBytes?: number;
  /** EventSource's reconnect delay, sent to the client. */
  readonly retryMs?: number;
}

export interface StreamDeps {
  readonly live: LiveSubscriptions;
  readonly auth: Authenticator;
  readonly options?: StreamOptions;
}

export function sseEvent(notification: Notification): string {
  // JSON.stringify escapes newlines, so the payload is one `data:` line.
  return `id: ${notification.id}\nevent: notification\ndata: ${JSON.stringify(toView(notification))}\n\n`;
}

/**
 * `GET /notifications/stream`: Server-Sent Events of the caller's notifications as this replica
 * stores them (see LiveHub for what a multi-replica deployment misses). Notifications stored before
 * the stream opened are read with `GET /notifications`.
 */
export function streamRoutes(app: HttpServer, deps: StreamDeps): void {
  const { live, auth } = deps;
  const heartbeatMs = deps.options?.heartbeatMs ?? 15_000;
  const maxStreams = deps.options?.maxStreamsPerUser ?? 10;
  const maxBuffered = deps.options?.maxBufferedBytes ?? 1024 * 1024;
  const retryMs = deps.options?.retryMs ?? 3_000;
  const open = new Set<ServerResponse>();

  // Open streams never finish by themselves; end them so close() (SIGTERM) does not wait on them.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/notifications/stream',
    {
      onRequest: auth.bearerOrQuery,
      // A HEAD would hold a connection open with nothing to show for it.
      exposeHeadRoute: false,
      schema: { querystring: z.strictObject({ [tokenParam]: z.string().optional() }) },
    },
    async (request, reply) => {
      const { userId } = auth.caller(request);
      if (live.listeners(userId) >= maxStreams) {
        throw new AppError('tooManyRequests', `at most ${maxStreams} open streams per user`);
      }
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const write = (chunk: string) => {
        if (!response.write(chunk) && response.writableLength > maxBuffered) {
          request.log.warn({ userId }, 'stream client too slow; disconnecting');
          response.destroy();
        }
      };
      write(`: connected\nretry: ${retryMs}\n\n`);
      const unsubscribe = live.subscribe(userId, (notification) => write(sseEvent(notification)));
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
      open.add(response);
      response.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
        request.log.debug({ userId }, 'stream closed');
      });
      request.log.debug({ userId }, 'stream opened');
    },
  );
}
