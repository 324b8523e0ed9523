import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, createLogger } from '@herald/runtime';
import { html } from '../views/html.js';
import { registerLiveRoute } from './respond.js';

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A live route whose `counter` fragment changes on every read and whose `still` one never does. */
async function liveServer() {
  const app = createHttpServer({ logger: createLogger('console', 'silent') });
  let reads = 0;
  registerLiveRoute(app, '/live/test', { intervalMs: 10 }, () => async () => {
    reads++;
    return { counter: html`<b>${reads}</b>`, still: html`<i>same</i>` };
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
  return { url: `${address}/live/test`, reads: () => reads };
}

/** Reads Server-Sent Events off a response body until `count` `fragments` events arrived. */
async function events(body: ReadableStream<Uint8Array>, count: number) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const found: { id: string; html: string }[][] = [];
  let buffer = '';
  while (found.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    for (const match of buffer.matchAll(/event: fragments\ndata: (.*)\n\n/g)) {
      found.push(JSON.parse(match[1]!) as { id: string; html: string }[]);
    }
    buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
  }
  await reader.cancel();
  return found.slice(0, count);
}

describe('live route', () => {
  it('sends every fragment first, then only the ones whose markup changed', async () => {
    const server = await liveServer();
    const response = await fetch(server.url);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const [first, second, third] = await events(response.body!, 3);
    expect(first).toEqual([
      { id: 'counter', html: '<b>1</b>' },
      { id: 'still', html: '<i>same</i>' },
    ]);
    expect(second).toEqual([{ id: 'counter', html: '<b>2</b>' }]);
    expect(third).toEqual([{ id: 'counter', html: '<b>3</b>' }]);
  });

  it('stops reading the page once its reader has gone, even in the middle of a read', async () => {
    const app = createHttpServer({ logger: createLogger('console', 'silent') });
    let reads = 0;
    let release: () => void = () => undefined;
    const slowRead = new Promise<void>((resolve) => (release = resolve));
    let readInFlight: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (readInFlight = resolve));
    registerLiveRoute(app, '/live/test', { intervalMs: 10 }, () => async () => {
      reads++;
      if (reads === 2) {
        readInFlight();
        await slowRead; // the reader leaves while this read is still going on
      }
      return { counter: html`<b>${reads}</b>` };
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    const gone = new Promise<void>((resolve) =>
      app.server.once('connection', (socket) => socket.once('close', () => resolve())),
    );
    const request = get(`${address}/live/test`);
    request.on('error', () => undefined);
    await inFlight;
    request.destroy();
    await gone;
    release();
    await new Promise((r) => setTimeout(r, 200)); // twenty intervals: no further read may start
    expect(reads).toBe(2);
  });
});
