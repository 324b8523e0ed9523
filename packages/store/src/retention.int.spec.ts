// What the bookkeeping records forget, and why forgetting never lets an event go out twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { Deferred } from '@herald/bus';
import { createEvent } from '@herald/contracts';
import {
  eventually,
  mongoUrlForTest,
  recordingLogger,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { dayOf } from './day-buckets.js';
import { connectMongo } from './mongo.js';
import { OutboxRelay, outboxFields, pushToOutbox, type WithOutbox } from './outbox.js';
import { Outbox } from './event-collection.js';
import { ProcessedEvents } from './processed-events.js';
import { processedEventsKeptMs } from './pruning.js';

const day = 24 * 3_600_000;
const daysAgo = (n: number) => new Date(Date.now() - n * day);

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('retention')), 'test'));
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

const user = (n: number) => ({
  userId: `u${n}`,
  email: `u${n}@example.test`,
  name: `U ${n}`,
  handle: `u${n}`,
});

/** A record's time `days` ago in `field`, with the day bucket its store writes beside it. */
function stamped<F extends string>(field: F, days: number) {
  const at = daysAgo(days);
  return { [field]: at, day: dayOf(at) } as Record<F, Date> & { day: string };
}

describe('ProcessedEvents.prune', () => {
  it('forgets records and claims made before the cut-off and keeps the rest', async () => {
    const processed = new ProcessedEvents(db);
    await db
      .collection<{ _id: string; consumer: string; eventId: string; processedAt: Date }>(
        'processed_events',
      )
      .insertMany([
        { _id: 'mailer:old', consumer: 'mailer', eventId: 'old', ...stamped('processedAt', 31) },
        { _id: 'mailer:new', consumer: 'mailer', eventId: 'new', ...stamped('processedAt', 1) },
      ]);
    await db.collection<{ _id: string; claimedAt: Date }>('processed_event_claims').insertMany([
      { _id: 'mailer:old', ...stamped('claimedAt', 31) },
      { _id: 'mailer:crashed', ...stamped('claimedAt', 40) },
      { _id: 'mailer:new', ...stamped('claimedAt', 1) },
    ]);

    expect(await processed.prune(daysAgo(30))).toBe(3);
    expect(await processed.has('mailer', 'old')).toBe(false);
    expect(await processed.has('mailer', 'new')).toBe(true);
    // The kept record still makes a redelivery a no-op.
    expect(await processed.once('mailer', 'new', () => Promise.resolve(), testLogger)).toBe(false);
    expect(await db.collection('processed_event_claims').countDocuments()).toBe(1);
  });

  it('prunes claims by the end of their lease, so a run still holding one keeps it', async () => {
    const processed = new ProcessedEvents(db);
    const claims = db.collection<{ _id: string; claimedAt: Date; leaseUntil: Date }>(
      'processed_event_claims',
    );
    await claims.deleteMany({});
    await claims.insertMany([
      // A run that died 40 days ago, and the run that took its event over the day after.
      { _id: 'mailer:died', ...stamped('claimedAt', 40), leaseUntil: daysAgo(40) },
      { _id: 'mailer:died#1', ...stamped('claimedAt', 39), leaseUntil: daysAgo(39) },
      // Claimed long ago and renewed until now: its run still goes on.
      {
        _id: 'mailer:long',
        ...stamped('claimedAt', 40),
        leaseUntil: new Date(Date.now() + 60_000),
      },
    ]);

    expect(await processed.prune(daysAgo(30))).toBe(2);
    expect((await claims.find().toArray()).map((c) => c._id)).toEqual(['mailer:long']);
    let effects = 0;
    await expect(
      processed.once('mailer', 'long', async () => void effects++, testLogger),
    ).rejects.toBeInstanceOf(Deferred);
    expect(effects).toBe(0);
  });
});

describe('OutboxRelay retention', () => {
  /** An event as a write `age` days ago stored it. */
  const eventFrom = (age: number, n: number) =>
    createEvent('user.registered', user(n), 'api', { time: daysAgo(age) });

  /** A relay over `collection` that polls often, noting what it publishes and logs. */
  function relayOf(collection: string) {
    const seen: string[] = [];
    const { logger, lines } = recordingLogger();
    const relay = new OutboxRelay({
      db,
      outbox: new Outbox(db, [collection]),
      sink: { publishEvent: async (event) => void seen.push(event.id) },
      logger,
      pollMs: 20,
    });
    return { relay, seen, lines };
  }

  it('prunes only marks older than keepRelayedMs, and never republishes an event whose mark is gone', async () => {
    const docs = db.collection<{ _id: string } & WithOutbox>('users_retention');
    const forgotten = eventFrom(40, 1); // relayed 40 days ago: its mark goes
    const remembered = eventFrom(20, 2); // relayed 20 days ago: its mark stays
    await docs.insertOne({ _id: 'u', ...outboxFields([forgotten, remembered]) });
    await db.collection<{ _id: string; at: Date }>('outbox_relayed').insertMany([
      { _id: forgotten.id, ...stamped('at', 40) },
      { _id: remembered.id, ...stamped('at', 20) },
    ]);
    const { relay, seen, lines } = relayOf('users_retention');

    // Asked to prune up to now, it still keeps the marks of the last keepRelayedMs.
    expect(await relay.prune(new Date())).toBe(1);
    const marks = await db.collection('outbox_relayed').find().toArray();
    expect(marks.map((m) => m._id)).toEqual([remembered.id]);

    // A new write re-stamps the document, so the poll reads all three events again.
    const fresh = eventFrom(0, 3);
    await docs.updateOne({ _id: 'u' }, pushToOutbox([fresh]));
    relay.start();
    await eventually('the fresh event', () => seen.includes(fresh.id));
    await sleep(200); // a few more polls: nothing else may go out
    await relay.stop();
    expect(seen).toEqual([fresh.id]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('does not publish an event past the horizon that never went out, and says so', async () => {
    const docs = db.collection<{ _id: string } & WithOutbox>('stuck_retention');
    const stuck = eventFrom(processedEventsKeptMs / day / 2 + 1, 4); // never relayed
    const fresh = eventFrom(0, 5);
    await docs.insertOne({ _id: 's', ...outboxFields([stuck, fresh]) });
    const { relay, seen, lines } = relayOf('stuck_retention');
    relay.start();
    await eventually('the fresh event', () => seen.includes(fresh.id));
    const backlog = await relay.backlog();
    await relay.stop();

    expect(seen).toEqual([fresh.id]);
    expect(backlog.count).toBe(0);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatchObject({
      eventId: stuck.id,
      type: 'user.registered',
      time: stuck.time,
      msg: 'outbox event older than the relay horizon never reached the broker; not publishing it',
    });
  });
});
