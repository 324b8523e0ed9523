import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type AnyEvent } from '@herald/contracts';
import { PlannedStore, eventually, testLogger } from '@herald/testkit';
import { Outbox } from './event-collection.js';
import { OutboxRelay } from './outbox.js';
import { PreferenceCopies } from './preference-copies.js';
import { ProcessedEvents } from './processed-events.js';

// Every query the store package runs on a hot path (the relay's poll and backlog gauge, the
// processed-events record, pruning, preference copies), explained on the real store: each must be
// served by an index, or read a collection that is small by design.
let store: PlannedStore;

beforeAll(async () => {
  store = await PlannedStore.open('plans');
  // Only events waiting for a queue now, none past the relay horizon (UnroutableEvents).
  store.smallByDesign('outbox_unroutable');
  // One document per running relay (RelayPresence).
  store.smallByDesign('outbox_relays');
});

afterAll(() => store.close());

function event(n: number): AnyEvent {
  return createEvent(
    'user.registered',
    { userId: `u${n}`, email: `u${n}@example.test`, name: 'U', handle: `u${n}` },
    'api',
  );
}

describe('hot queries of the store package', () => {
  it('relay poll, look-back, backlog and pruning', async () => {
    const { db } = store;
    const outbox = new Outbox(db);
    const docs = outbox.collection<{ _id: string }>('docs');
    const seen: string[] = [];
    const relay = new OutboxRelay({
      db,
      outbox,
      sink: { publishEvent: async (e) => void seen.push(e.id) },
      logger: testLogger,
      pollMs: 60_000,
    });
    await relay.ensureIndexes();
    // Written before the relay runs, so only its poll can find them.
    for (const n of [1, 2]) await docs.insertWithEvents({ _id: `d${n}` }, [event(n)]);
    await store.explain('outbox relay poll', async () => {
      relay.start();
      // The first pass polls: forward walk, look-back, relayed marks.
      await eventually('the poll relayed both events', () => seen.length === 2);
      await relay.stop();
    });
    await store.explain('outbox backlog gauge', () => relay.backlog());
    await store.explain('relayed events pruning', () => relay.prune(new Date()));
  });

  it('processed events, claims and their pruning', async () => {
    const processed = new ProcessedEvents(store.db, { leaseMs: 60_000 });
    await processed.ensureIndexes();
    await store.explain('processed-events once', async () => {
      await processed.once('c', 'e1', async () => {}, testLogger);
      // A redelivery: the claim is taken, so the record is looked up.
      await processed.once('c', 'e1', async () => {}, testLogger);
    });
    await store.explain('processed-events pruning', () => processed.prune(new Date()));
  });

  it('preference copies', async () => {
    const copies = new PreferenceCopies(store.db);
    await copies.ensureIndexes();
    await store.explain('preference copies of', () => copies.of('u1'));
  });

  it('none scans a growing collection', () => {
    expect(store.scanning()).toEqual([]);
  });
});
