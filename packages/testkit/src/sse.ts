import { request, type IncomingHttpHeaders } from 'node:http';
import { eventually } from './wait.js';

export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
}

/** The complete blocks of an SSE text, comment lines skipped (an `id:`-only block included). */
function parseBlocks(text: string): SseEvent[] {
  const blocks = text.split('\n\n').slice(0, -1);
  return blocks.map((block) => {
    const event: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      event[field] = event[field] === undefined ? value : `${event[field]}\n${value}`;
    }
    return event;
  });
}

/** Parses the complete events in an SSE text: those with data, as EventSource dispatches them. */
export function parseSse(text: string): SseEvent[] {
  return parseBlocks(text).filter((event) => event.data !== undefined);
}

export interface OpenStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  text(): string;
  events(): SseEvent[];
  /** What EventSource would send as `Last-Event-ID` on reconnecting: the last `id:` received. */
  lastEventId(): string | undefined;
  /** True once the server ended the response or the connection closed. */
  ended(): boolean;
  until(what: string, predicate: (text: string) => boolean, timeoutMs?: number): Promise<boolean>;
  /** Drops the connection, as a closed browser tab does. */
  close(): Promise<void>;
}

/**
 * A streaming GET read as it arrives, like an EventSource would. Its own socket (no keep-alive
 * pool), so closing it really closes the connection the server sees.
 */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false });
    req.once('error', reject);
    req.once('response', (response) => {
      let text = '';
      let ended = false;
      const closed = new Promise<void>((done) =>
        response.once('close', () => {
          ended = true;
          done();
        }),
      );
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', () => undefined);
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        text: () => text,
        events: () => parseSse(text),
        lastEventId: () => parseBlocks(text).findLast((block) => block.id !== undefined)?.id,
        ended: () => ended,
        until: (what, predicate, timeoutMs = 10_000) =>
          eventually(what, () => predicate(text), timeoutMs),
        async close() {
          req.destroy();
          await closed;
        },
      });
    });
    req.end();
  });
}
