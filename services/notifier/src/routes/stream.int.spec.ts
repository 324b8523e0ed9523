import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { BrokerUnavailable } from '@herald/bus';
import { eventually, openStream } from '@herald/testkit';
import { aCommentCreated, aTaskAssigned, people } from '../../test/events.js';
import {
  badTokens,
  bearer,
  createHarness,
  shortLivedToken,
  tokenFor,
  type Harness,
} from '../../test/harness.js';
import { onCommentCreated } from '../handlers/comment-created.js';
import { onTaskAssigned } from '../handlers/task-assigned.js';

let h: Harness | undefined;
const streams: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const stream of streams.splice(0)) await stream.close();
  await h?.close();
  h = undefined;
});

async function start(options: Parameters<typeof createHarness>[0] = {}) {
  h = await createHarness({ broker: true, ...options });
  return { harness: h, url: `${await h.listen()}/notifications/stream` };
}

/** A ticket asked for as a browser would, before opening an EventSource. */
async function ticketFor(harness: Harness, token: string) {
  const answer = await harness.app.inject({
    method: 'POST',
    url: '/notifications/stream-tickets',
    headers: bearer(token),
  });
  expect(answer.statusCode).toBe(201);
  return answer.json<{ ticket: string; expiresAt: string }>();
}

async function connect(url: string, headers: Record<string, string> = {}) {
  const stream = await openStream(url, headers);
  streams.push(stream);
  if (stream.status === 200) await stream.until('connected', (t) => t.includes(': connected'));
  return stream;
}

describe('GET /notifications/stream', () => {
  it('sends the caller each notification stored after connecting, and nobody else', async () => {
    const { harness, url } = await start();
    const grace = await connect(url, bearer(await tokenFor(people.grace.userId)));
    const ada = await connect(url, bearer(await tokenFor(people.ada.userId)));

    const mention = aCommentCreated([people.grace, people.linus]);
    await onCommentCreated(mention, harness.ports);
    await onTaskAssigned(aTaskAssigned(people.ada, people.grace), harness.ports);

    await grace.until('the mention', () => grace.events().length === 1);
    await ada.until('the assignment', () => ada.events().length === 1);
    const inbox = await harness.app.inject({
      method: 'GET',
      url: '/notifications',
      headers: bearer(await tokenFor(people.grace.userId)),
    });
    const [event] = grace.events();
    expect(grace.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(event).toMatchObject({ id: '1', event: 'notification' });
    expect(JSON.parse(event?.data ?? '')).toEqual(inbox.json<{ items: unknown[] }>().items[0]);
    expect(JSON.parse(event?.data ?? '')).toMatchObject({ id: `${mention.id}:u-grace` });
    expect(ada.events().map((e) => JSON.parse(e.data ?? '') as { kind: string })).toEqual([
      expect.objectContaining({ kind: 'task-assigned' }),
    ]);
  });

  it('streams a redelivered event once', async () => {
    const { harness, url } = await start();
    const grace = await connect(url, bearer(await tokenFor(people.grace.userId)));
    const mention = aCommentCreated([people.grace]);

    await onCommentCreated(mention, harness.ports);
    await onCommentCreated(mention, harness.ports);
    await onTaskAssigned(aTaskAssigned(people.grace), harness.ports);

    await grace.until('the assignment', (t) => t.includes('task-assigned'));
    expect(grace.events().map((e) => e.id)).toEqual(['1', '2']);
    expect(grace.events().map((e) => (JSON.parse(e.data ?? '{}') as { id: string }).id)).toEqual([
      `${mention.id}:u-grace`,
      expect.stringMatching(/:u-grace$/),
    ]);
  });

  it('streams a notification whose announcement failed once its event is handled again', async () => {
    const { harness, url } = await start();
    const grace = await connect(url, bearer(await tokenFor(people.grace.userId)));
    const mention = aCommentCreated([people.grace]);
    const brokerAway = {
      ...harness.ports,
      live: { publish: () => Promise.reject(new BrokerUnavailable('broker away')) },
    };

    await expect(onCommentCreated(mention, brokerAway)).rejects.toThrow(/broker away/);
    // The consumer's retry of the event: it stores nothing new, and announces again.
    await onCommentCreated(mention, harness.ports);
    await onTaskAssigned(aTaskAssigned(people.grace), harness.ports);

    await grace.until('the assignment', (t) => t.includes('task-assigned'));
    expect(grace.events().map((e) => e.id)).toEqual(['1', '2']);
    expect(JSON.parse(grace.events()[0]?.data ?? '{}')).toMatchObject({
      id: `${mention.id}:u-grace`,
    });
  });

  it('refuses a Last-Event-ID it did not send, with 400 and the reason', async () => {
    const { harness } = await start();
    const token = await tokenFor(people.grace.userId);
    // The last one is an id the stream sent before ids became seqs.
    const ids = ['abc', '-1', '1.5', '01', `${aCommentCreated([people.grace]).id}:u-grace`];

    for (const id of ids) {
      const answer = await harness.app.inject({
        url: '/notifications/stream',
        headers: { ...bearer(token), 'last-event-id': id },
      });
      expect({ id, status: answer.statusCode }).toEqual({ id, status: 400 });
      expect(answer.json<{ message: string }>().message).toMatch(/last-event-id/i);
    }
  });

  it('opens with a single-use ticket, and keeps the ticket out of the logs', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const { harness, url } = await start({ logger });
    const { ticket, expiresAt } = await ticketFor(harness, await tokenFor(people.grace.userId));
    expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(30_000);
    const grace = await connect(`${url}?ticket=${ticket}`);

    await onCommentCreated(aCommentCreated([people.grace]), harness.ports);

    await grace.until('the mention', () => grace.events().length === 1);
    const again = await connect(`${url}?ticket=${ticket}`);
    expect(again.status).toBe(401);
    expect(again.text()).toContain('already used');
    const logged = lines.join('');
    expect(logged).toContain('/notifications/stream?[redacted]');
    expect(logged).not.toContain(ticket);
  });

  it('redeems a ticket once when two streams race for it', async () => {
    const { harness, url } = await start();
    const { ticket } = await ticketFor(harness, await tokenFor(people.grace.userId));
    const opened = await Promise.all([1, 2, 3].map(() => connect(`${url}?ticket=${ticket}`)));
    expect(opened.map((s) => s.status).sort()).toEqual([200, 401, 401]);
  });

  it('refuses ?access_token= with 401 and says what to do instead', async () => {
    const { url } = await start();
    const token = await tokenFor(people.grace.userId);
    for (const query of [`access_token=${token}`, `access_token=${token}&ticket=x`]) {
      const stream = await connect(`${url}?${query}`);
      expect(stream.status).toBe(401);
      expect(stream.text()).toContain('stream-tickets');
    }
  });

  it('refuses an unknown or expired ticket with 401', async () => {
    const { harness, url } = await start();
    expect((await connect(`${url}?ticket=never-issued`)).status).toBe(401);
    // A ticket expires with the access token it was asked with, if that comes first.
    const { ticket } = await ticketFor(harness, await shortLivedToken(people.grace.userId, 1));
    await new Promise((r) => setTimeout(r, 1_500));
    const late = await connect(`${url}?ticket=${ticket}`);
    expect(late.status).toBe(401);
  });

  it('ends the stream with an expired event when its access token expires', async () => {
    const { url } = await start();
    const grace = await connect(url, bearer(await shortLivedToken(people.grace.userId, 2)));
    await grace.until('expired', () => grace.events().some((e) => e.event === 'expired'));
    await grace.until('closed', () => grace.ended());
  });

  it('asks for a ticket with a bearer token only', async () => {
    const { harness } = await start();
    const anonymous = await harness.app.inject({
      method: 'POST',
      url: '/notifications/stream-tickets',
    });
    expect(anonymous.statusCode).toBe(401);
    const answer = await harness.app.inject({
      method: 'POST',
      url: '/notifications/stream-tickets',
      headers: bearer(await tokenFor(people.grace.userId)),
    });
    expect(answer.statusCode).toBe(201);
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('refuses a missing or bad token with 401 before streaming', async () => {
    const { url } = await start();
    const [missing, tampered, foreign] = await Promise.all([
      connect(url),
      connect(url, bearer((await badTokens('u-grace')).tampered)),
      connect(url, bearer((await badTokens('u-grace')).foreign)),
    ]);

    for (const stream of [missing, tampered, foreign]) {
      expect(stream.status).toBe(401);
      expect(stream.headers['content-type']).toMatch(/json/);
    }
  });

  it('sends a heartbeat comment while nothing happens', async () => {
    const { url } = await start({ stream: { heartbeatMs: 40 } });
    const grace = await connect(url, bearer(await tokenFor(people.grace.userId)));

    await grace.until('two heartbeats', (t) => t.split(': heartbeat\n\n').length > 2);
    expect(grace.events()).toEqual([]);
  });

  it('stops listening when the client goes away', async () => {
    const { harness, url } = await start();
    const token = await tokenFor(people.grace.userId);
    const first = await connect(url, bearer(token));
    const second = await connect(url, bearer(token));
    expect(harness.hub.listeners('u-grace')).toBe(2);

    await first.close();
    await eventually('first listener gone', () => harness.hub.listeners('u-grace') === 1);
    await second.close();

    await eventually('no listeners left', () => harness.hub.listeners() === 0);
  });

  it('refuses more open streams per user than allowed, with 429', async () => {
    const { url } = await start({ stream: { maxStreamsPerUser: 2 } });
    const token = await tokenFor(people.grace.userId);
    await connect(url, bearer(token));
    await connect(url, bearer(token));

    const third = await connect(url, bearer(token));
    const other = await connect(url, bearer(await tokenFor(people.ada.userId)));

    expect(third.status).toBe(429);
    expect(other.status).toBe(200);
  });

  it('ends open streams when the server closes, so shutdown does not hang', async () => {
    const { harness, url } = await start();
    const grace = await connect(url, bearer(await tokenFor(people.grace.userId)));

    await harness.app.close();

    await eventually('stream ended', () => grace.ended());
    expect(harness.hub.listeners()).toBe(0);
  });
});
