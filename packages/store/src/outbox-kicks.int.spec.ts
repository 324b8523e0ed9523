import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection, Db, MongoClient } from 'mongodb';
import { createEvent, type AnyEvent } from '@herald/contracts';
import { eventually, mongoUrlForTest, testLogger, uniqueNamespace } from '@herald/testkit';
import { connectMongo } from './mongo.js';
import { OutboxRelay, outboxFields, outboxWrite, type WithOutbox } from './outbox.js';
import { Outbox } from './event-collection.js';

// The relay's two paths: a kick names the document a write changed, and the poll is the safety
// net for every event no kick brought.
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('kicks')), 'store-test'));
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

type Doc = { _id: string } & WithOutbox;

let events = 0;
function event(): AnyEvent {
  events++;
  return createEvent(
    'user.registered',
    { userId: `u${events}`, email: `u${events}@example.test`, name: 'U', handle: `u${events}` },
    'api',
  );
}

/** Inserts a document holding one new event, as an adapter's write does. */
async function write(docs: Collection<Doc>, id: string): Promise<AnyEvent> {
  const e = event();
  await docs.insertOne({ _id: id, ...outboxFields([e]) });
  return e;
}

function relayOf(
  collection: string,
  seen: string[],
  options: {
    pollMs: number;
    visibilityLagMs?: number;
    fails?: Set<string>;
    held?: Map<string, Promise<void>>;
  },
) {
  return new OutboxRelay({
    db,
    outbox: new Outbox(db, [collection]),
    sink: {
      publishEvent: async (e) => {
        // A publish that takes its time (a slow broker, or a poll that is still scanning).
        await options.held?.get(e.id);
        // A publish the broker refuses once (an outage in the middle of a kick).
        if (options.fails?.delete(e.id)) throw new Error('broker unreachable');
        seen.push(e.id);
      },
    },
    logger: testLogger,
    pollMs: options.pollMs,
    ...(options.visibilityLagMs === undefined ? {} : { visibilityLagMs: options.visibilityLagMs }),
  });
}

describe('OutboxRelay kicks', () => {
  it('publishes the events of a kicked write at once, without scanning for others', async () => {
    const docs = db.collection<Doc>('kicked');
    const seen: string[] = [];
    const first = await write(docs, 'a');
    // The poll comes round once at start, then not for a minute: only kicks can relay.
    const relay = relayOf('kicked', seen, { pollMs: 60_000 });
    relay.start();
    await eventually('the start-up poll', () => seen.includes(first.id));

    const unkicked = await write(docs, 'b');
    const kicked = await write(docs, 'c');
    relay.kick(outboxWrite('kicked', 'c', [kicked]));
    await eventually('kicked event', () => seen.includes(kicked.id), 2_000);
    await new Promise((r) => setTimeout(r, 200));
    await relay.stop();
    // The unkicked document was not scanned for: it waits for the poll.
    expect(seen).toEqual([first.id, kicked.id]);
    expect((await relay.backlog()).count).toBe(1);
    expect(seen).not.toContain(unkicked.id);
  });

  it('does not make a kicked write wait for a poll that is still busy', async () => {
    const docs = db.collection<Doc>('busy');
    const seen: string[] = [];
    const slow = await write(docs, 'slow'); // no kick: the start-up poll finds it
    let release = () => {};
    const held = new Map([[slow.id, new Promise<void>((r) => (release = r))]]);
    const relay = relayOf('busy', seen, { pollMs: 60_000, held });
    relay.start();
    await new Promise((r) => setTimeout(r, 300)); // the poll is now stuck on the slow publish
    const kicked = await write(docs, 'kicked');
    relay.kick(outboxWrite('busy', 'kicked', [kicked]));
    await eventually(
      'the kick relayed while the poll is busy',
      () => seen.includes(kicked.id),
      2_000,
    );
    expect(seen).not.toContain(slow.id);
    release();
    await eventually('the poll finishes', () => seen.includes(slow.id));
    await relay.stop();
    expect(seen).toEqual([kicked.id, slow.id]);
  });

  it('still polls under a steady stream of kicks, and recovers events whose kick was lost or failed', async () => {
    const docs = db.collection<Doc>('lost');
    const seen: string[] = [];
    const failing = event();
    const relay = relayOf('lost', seen, { pollMs: 300, fails: new Set([failing.id]) });
    relay.start();
    const lost = await write(docs, 'lost'); // its kick never comes (a crash right after the write)
    const kicked: string[] = [];
    // A kick every 20 ms for about a second, each naming a new document.
    for (let n = 0; n < 40; n++) {
      const id = n === 20 ? 'failed' : `k${n}`;
      const e = n === 20 ? failing : event();
      await docs.insertOne({ _id: id, ...outboxFields([e]) });
      if (n !== 20) kicked.push(e.id);
      // The failed document's kick reaches a broker that refuses the publish once.
      relay.kick(outboxWrite('lost', id, [e]));
      await new Promise((r) => setTimeout(r, 20));
    }
    // A poll came round while the kicks kept coming.
    expect(seen).toContain(lost.id);
    await eventually('the poll relays the failed kick', () => seen.includes(failing.id));
    await eventually('every kick relayed', () => kicked.every((id) => seen.includes(id)));
    await relay.stop();
    // Each event once: the poll passing over the kicked documents does not publish them again.
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen.sort()).toEqual([lost.id, failing.id, ...kicked].sort());
  });

  it('keeps the poll from passing an event a kick is still publishing, so a kick that then fails loses nothing', async () => {
    const docs = db.collection<Doc>('in-flight');
    const seen: string[] = [];
    const stuck = event();
    let release = () => {};
    // The kick's publish waits for a broker that is going down, and then fails.
    const held = new Map([[stuck.id, new Promise<void>((r) => (release = r))]]);
    const fails = new Set([stuck.id]);
    const relay = relayOf('in-flight', seen, { pollMs: 20, visibilityLagMs: 100, held, fails });
    relay.start();
    await docs.insertOne({ _id: 'stuck', ...outboxFields([stuck]) });
    relay.kick(outboxWrite('in-flight', 'stuck', [stuck]));
    await new Promise((r) => setTimeout(r, 300)); // polls come round meanwhile
    // A later write, stamped beyond the look-back window, which the polls relay.
    const later = await write(docs, 'later');
    await eventually('the later write relayed', () => seen.includes(later.id));
    await new Promise((r) => setTimeout(r, 300));
    release();
    await eventually('the event whose kick failed, relayed by the poll', () =>
      seen.includes(stuck.id),
    );
    await relay.stop();
    expect(seen).toEqual([later.id, stuck.id]);
  });
});
