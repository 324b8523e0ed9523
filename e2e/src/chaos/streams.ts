import { sleep } from '@herald/bus';
import { openStream, type OpenStream } from '@herald/testkit';

/** One browser tab's live stream, reconnecting the way EventSource does (with Last-Event-ID). */
export interface LiveStream {
  readonly name: string;
  readonly userId: string;
  /** Notification ids received, in order, over every connection (duplicates kept: they count). */
  readonly received: readonly string[];
  /** `missed` events: the server's replay bound was exceeded, so a gap is possible. */
  readonly missed: readonly string[];
  readonly connections: number;
  /** Reconnects once more and waits until `expected` ids all arrived (or `timeoutMs` passed). */
  settle(expected: readonly string[], timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const NotificationData = (data: string): string | undefined => {
  const parsed = JSON.parse(data) as { id?: unknown };
  return typeof parsed.id === 'string' ? parsed.id : undefined;
};

/**
 * Keeps a stream open to `url` for as long as it runs: when the server goes away (a replica
 * SIGKILLed, restarted), it retries every `retryMs` with the last id it saw, as a browser does.
 */
export function liveStream(options: {
  readonly name: string;
  readonly userId: string;
  readonly url: string;
  readonly token: string;
  readonly retryMs?: number;
  /** False: never reconnect (a tab on a replica that dies, for the presence check). */
  readonly reconnect?: boolean;
}): LiveStream {
  const received: string[] = [];
  const missed: string[] = [];
  let lastId: string | undefined;
  let connections = 0;
  let running = true;
  let current: OpenStream | undefined;
  let seen = 0;

  const drain = (stream: OpenStream) => {
    const events = stream.events();
    for (const event of events.slice(seen)) {
      if (event.event === 'notification' && event.data) {
        const id = NotificationData(event.data);
        if (id) received.push(id);
      } else if (event.event === 'missed' && event.data) {
        missed.push(event.data);
      }
    }
    seen = events.length;
    lastId = stream.lastEventId() ?? lastId;
  };

  const run = async () => {
    while (running) {
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
        if (lastId !== undefined) headers['last-event-id'] = lastId;
        const stream = await openStream(`${options.url}/notifications/stream`, headers);
        if (stream.status !== 200) {
          await stream.close();
          throw new Error(`stream answered ${stream.status}`);
        }
        current = stream;
        connections++;
        seen = 0;
        while (running && !stream.ended()) {
          drain(stream);
          await sleep(50);
        }
        drain(stream);
      } catch {
        // The replica is down or restarting: a browser would retry after `retry:`.
      }
      current = undefined;
      if (options.reconnect === false) return;
      if (running) await sleep(options.retryMs ?? 500);
    }
  };
  let loop = run();

  return {
    name: options.name,
    userId: options.userId,
    received,
    missed,
    get connections() {
      return connections;
    },
    async settle(expected, timeoutMs) {
      // A fresh connection replays whatever the last one may have missed after its last id.
      running = false;
      await current?.close();
      await loop;
      running = true;
      loop = run();
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !expected.every((id) => received.includes(id))) {
        await sleep(100);
      }
    },
    async stop() {
      running = false;
      await current?.close();
      await loop;
    },
  };
}
