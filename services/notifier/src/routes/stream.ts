import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { errorMessage } from '@herald/bus';
import type { NotificationCreated } from '@herald/contracts';
import { AppError, type HttpServer } from '@herald/runtime';
import type { LiveHub } from '../adapters/live-hub.js';
import { LiveCursor } from '../domain/live-cursor.js';
import type { NotificationStore } from '../domain/ports.js';
import { toLive } from '../domain/views.js';
import { issueStreamTicket, type StreamTicketStore } from '../domain/stream-ticket.js';
import { ticketParam, type Authenticator } from './authenticate.js';

export interface StreamOptions {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  readonly heartbeatMs?: number;
  /** Open streams one user may hold on one replica (tabs, devices); more are refused with 429. */
  readonly maxStreamsPerUser?: number;
  /** A client this far behind (unsent bytes) is disconnected rather than buffered without bound. */
  readonly maxBufferedBytes?: number;
  /** EventSource's reconnect delay, sent to the client. */
  readonly retryMs?: number;
  /** A reconnect replays at most this many missed notifications, the newest; see `missed`. */
  readonly replayLimit?: number;
}

const defaultReplayLimit = 100;
/** setTimeout's longest delay; an access token lives far shorter. */
const maxTimerMs = 2 ** 31 - 1;

export interface StreamDeps {
  readonly hub: Pick<LiveHub, 'subscribe' | 'listeners'>;
  readonly notifications: Pick<NotificationStore, 'after' | 'latestSeq'>;
  /** Counts the stream in this replica's presence until it closes. */
  readonly presence: { enter(userId: string): () => void };
  readonly auth: Authenticator;
  readonly tickets: StreamTicketStore;
  readonly now: () => Date;
  readonly options?: StreamOptions;
}

/** The id of the last event a reconnecting EventSource saw. */
export const StreamHeaders = z.object({
  'last-event-id': z
    .string()
    .regex(/^(0|[1-9]\d{0,14})$/, 'expected the id of an event this stream sent (a whole number)')
    .transform(Number)
    .optional(),
});

/** One notification: its seq is the SSE id, so a reconnect resumes right after it. */
export function sseEvent(live: NotificationCreated): string {
  // JSON.stringify escapes newlines, so the payload is one `data:` line.
  return `id: ${live.seq}\nevent: notification\ndata: ${JSON.stringify(live.notification)}\n\n`;
}

/** The stream ends: its access token expired. The client asks for a new ticket with a fresh token. */
export const sseExpired = `event: expired\ndata: ${JSON.stringify({ reason: 'access token expired' })}\n\n`;

/** Notifications after `after` up to `until` will not come on this stream: read the inbox. */
export function sseMissed(after: number, until: number): string {
  const data = JSON.stringify({ after, until, count: until - after });
  return `id: ${until}\nevent: missed\ndata: ${data}\n\n`;
}

/**
 * `POST /notifications/stream-tickets` (bearer) → a single-use ticket valid for
 * `streamTicketTtlMs`, for clients that cannot send headers (EventSource). The stream ends with
 * an `expired` event when the access token that opened it (directly or through the ticket) expires.
 * `GET /notifications/stream`: Server-Sent Events of the caller's notifications, whichever replica
 * stored them (every replica receives every notification on its live queue). A new stream starts
 * at the newest stored notification; with `Last-Event-ID` it first sends what the caller missed
 * (at most `replayLimit`, the newest, after a `missed` event for the rest), then goes on live.
 */
export function streamRoutes(app: HttpServer, deps: StreamDeps): void {
  const { hub, notifications, presence, auth } = deps;
  const heartbeatMs = deps.options?.heartbeatMs ?? 15_000;
  const maxStreams = deps.options?.maxStreamsPerUser ?? 10;
  const maxBuffered = deps.options?.maxBufferedBytes ?? 1024 * 1024;
  const retryMs = deps.options?.retryMs ?? 3_000;
  const replayLimit = deps.options?.replayLimit ?? defaultReplayLimit;
  const open = new Set<ServerResponse>();

  // Open streams never finish by themselves; end them so close() (SIGTERM) does not wait on them.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.post(
    '/notifications/stream-tickets',
    {
      onRequest: auth.bearer,
      schema: {
        response: {
          201: z.object({
            ticket: z.string(),
            expiresAt: z.iso.datetime(),
          }),
        },
      },
    },
    async (request, reply) => {
      const { ticket, expiresAt } = await issueStreamTicket(auth.caller(request), deps);
      reply.code(201).header('cache-control', 'no-store');
      return { ticket, expiresAt: expiresAt.toISOString() };
    },
  );

  app.get(
    '/notifications/stream',
    {
      onRequest: auth.bearerOrTicket,
      // A HEAD would hold a connection open with nothing to show for it.
      exposeHeadRoute: false,
      schema: {
        querystring: z.strictObject({ [ticketParam]: z.string().max(256).optional() }),
        headers: StreamHeaders,
      },
    },
    async (request, reply) => {
      const { userId, expiresAt } = auth.caller(request);
      if (hub.listeners(userId) >= maxStreams) {
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
        if (response.writableEnded || response.destroyed) return;
        if (!response.write(chunk) && response.writableLength > maxBuffered) {
          request.log.warn({ userId }, 'stream client too slow; disconnecting');
          response.destroy();
        }
      };
      write(`retry: ${retryMs}\n\n`);
      const cursor = new LiveCursor<NotificationCreated>({
        read: async (after, limit) => (await notifications.after(userId, after, limit)).map(toLive),
        latest: () => notifications.latestSeq(userId),
        output: {
          item: (live) => write(sseEvent(live)),
          position: (seq) => write(`id: ${seq}\n\n`),
          skipped: (after, until) => write(sseMissed(after, until)),
        },
        onError: (error) => {
          // The client reconnects with the last id it got and resumes from the store then.
          request.log.warn({ userId, err: errorMessage(error) }, 'stream cannot read the store');
          response.end();
        },
        replayLimit,
      });
      // Subscribed before the cursor reads the store: nothing stored in between goes unseen.
      const unsubscribe = hub.subscribe(userId, cursor);
      const leave = presence.enter(userId);
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
      // A stream lives no longer than the access token that opened it.
      const expiry = setTimeout(
        () => {
          write(sseExpired);
          response.end();
        },
        Math.min(maxTimerMs, Math.max(0, expiresAt.getTime() - deps.now().getTime())),
      );
      open.add(response);
      response.once('close', () => {
        clearInterval(heartbeat);
        clearTimeout(expiry);
        cursor.close();
        unsubscribe();
        leave();
        open.delete(response);
        request.log.debug({ userId }, 'stream closed');
      });
      const lastEventId = request.headers['last-event-id'];
      await cursor.open(lastEventId);
      // From here on, whatever is stored reaches this stream: the client may rely on it.
      write(': connected\n\n');
      request.log.debug({ userId, lastEventId }, 'stream opened');
    },
  );
}
