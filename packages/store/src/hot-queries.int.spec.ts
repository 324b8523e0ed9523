import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { createEvent, type AnyEvent } from '@herald/contracts';
import {
  eventually,
  plannedStore,
  queryPlans,
  scanning,
  testLogger,
  uniqueNamespace,
  type QueryPlan,
} from '@herald/testkit';
import { OutboxRelay, outboxFields, type WithOutbox } from './outbox.js';
import { Outbox } from './event-collection.js';
import { PreferenceCopies } from './preference-copies.js';
import { ProcessedEvents } from './processed-events.js';

// Every query the store package runs on a hot path (the relay's poll and backlog gauge, the
// processed-events record, pruning, preference copies), explained on the real store: each must be
// served by an index, or read a collection that is small by design (named below, with why).
let client: MongoClient;
let db: Db;
let close: () => Promise<void>;
const plans: QueryPlan[] = [];

/** Collections read whole on purpose, each small by design (see their classes). */
const small: Record<string, string> = {
  // Holds only events waiting for a queue now, none past the relay horizon (UnroutableEvents).
  outbox_unroutable: 'events waiting for a queue',
  // One document per running relay (RelayPresence).
  outbox_relays: 'one document per relay',
};

beforeAll(async () => {
  ({ client, db, close } = await plannedStore(uniqueNamespace('plans')));
});

afterAll(async () => {
  await db.dropDatabase();
  await close();
});

function event(n: number): AnyEvent {
  return createEvent(
    'user.registered',
    { userId: `u${n}`, email: `u${n}@example.test`, name: 'U', handle: `u${n}` },
    'api',
  );
}

describe('hot queries of the store package', () => {
  it('relay poll, look-back, backlog and pruning', async () => {
    const docs = db.collection<{ _id: string } & WithOutbox>('docs');
    const seen: string[] = [];
    const relay = new OutboxRelay({
      db,
      outbox: new Outbox(db, ['docs']),
      sink: { publishEvent: async (e) => void seen.push(e.id) },
      logger: testLogger,
      pollMs: 60_000,
    });
    await relay.ensureIndexes();
    const pending = [event(1), event(2)];
    for (const [n, e] of pending.entries())
      await docs.insertOne({ _id: `d${n}`, ...outboxFields([e]) });
    plans.push(
      ...(await queryPlans(client, db, 'outbox relay poll', async () => {
        relay.start();
        // The first pass polls: forward scan, look-back, relayed marks.
        await eventually('the poll relayed both events', () => seen.length === 2);
        await relay.stop();
      })),
      ...(await queryPlans(client, db, 'outbox backlog gauge', () => relay.backlog())),
      ...(await queryPlans(client, db, 'relayed events pruning', () => relay.prune(new Date()))),
    );
  });

  it('processed events, claims and their pruning', async () => {
    const processed = new ProcessedEvents(db, { leaseMs: 60_000 });
    await processed.ensureIndexes();
    plans.push(
      ...(await queryPlans(client, db, 'processed-events once', async () => {
        await processed.once('c', 'e1', async () => {}, testLogger);
        // A redelivery: the claim is taken, so the record is looked up.
        await processed.once('c', 'e1', async () => {}, testLogger);
      })),
      ...(await queryPlans(client, db, 'processed-events pruning', () =>
        processed.prune(new Date()),
      )),
    );
  });

  it('preference copies', async () => {
    const copies = new PreferenceCopies(db);
    await copies.ensureIndexes();
    plans.push(...(await queryPlans(client, db, 'preference copies of', () => copies.of('u1'))));
  });

  it('none scans a growing collection', () => {
    const growing = plans.filter((p) => !(p.collection in small));
    expect(growing.length).toBeGreaterThan(0);
    expect(scanning(growing)).toEqual([]);
  });
});
