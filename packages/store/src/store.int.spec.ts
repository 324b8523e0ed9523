import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { BrokerConnection, Consumer, Publisher } from '@herald/bus';
import { createEvent, queueTopology, type Event } from '@herald/contracts';
import {
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  recordOutcomes,
  servers,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { connectMongo } from './mongo.js';
import { OutboxRelay, outboxFields, pushToOutbox, type WithOutbox } from './outbox.js';
import { Outbox } from './event-collection.js';
import { ProcessedEvents } from './processed-events.js';

const namespace = uniqueNamespace('store');
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(namespace), 'store-test'));
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await deleteNamespace(namespace);
});

const user = (n: number) => ({
  userId: `u${n}`,
  email: `u${n}@example.test`,
  name: `U ${n}`,
  handle: `u${n}`,
});

describe('ProcessedEvents', () => {
  it('runs the side effect once per consumer and event, however often the event comes', async () => {
    const processed = new ProcessedEvents(db);
    let effects = 0;
    const effect = async () => {
      effects++;
    };
    expect(await processed.once('notifier', 'e1', effect, testLogger)).toBe(true);
    expect(await processed.once('notifier', 'e1', effect, testLogger)).toBe(false);
    expect(await processed.once('mailer', 'e1', effect, testLogger)).toBe(true); // another consumer has its own record
    expect(effects).toBe(2);
    expect(await db.collection('processed_events').countDocuments()).toBe(2);
  });

  it('does not record an event whose side effect failed, so the retry runs it', async () => {
    const processed = new ProcessedEvents(db);
    await expect(
      processed.once('notifier', 'e2', () => Promise.reject(new Error('boom')), testLogger),
    ).rejects.toThrow('boom');
    expect(await processed.has('notifier', 'e2')).toBe(false);
    // Its claim stays behind, pending: the retry finds no record and runs the effect.
    let retried = 0;
    expect(await processed.once('notifier', 'e2', async () => void retried++, testLogger)).toBe(
      true,
    );
    expect(retried).toBe(1);
    expect(await processed.once('notifier', 'e2', async () => void retried++, testLogger)).toBe(
      false,
    );
    expect(retried).toBe(1);
  });

  it('runs the effect again after a crash between the claim and the record', async () => {
    const processed = new ProcessedEvents(db);
    // What a process of a version before leases left behind when it died mid-effect: a claim with
    // no lease (over at once), no record. Takeovers of leased claims: processed-events.int.spec.ts.
    await db
      .collection<{ _id: string; claimedAt: Date }>('processed_event_claims')
      .insertOne({ _id: 'notifier:e3', claimedAt: new Date() });
    let effects = 0;
    expect(await processed.once('notifier', 'e3', async () => void effects++, testLogger)).toBe(
      true,
    );
    expect(effects).toBe(1);
    expect(await processed.has('notifier', 'e3')).toBe(true);
  });

  it('batches a burst of concurrent claims and still runs each event once', async () => {
    const processed = new ProcessedEvents(db);
    const ids = Array.from({ length: 300 }, (_, n) => `burst-${n}`);
    const effects = new Map<string, number>();
    const effect = (id: string) => async () => void effects.set(id, (effects.get(id) ?? 0) + 1);
    const ran = await Promise.all(
      ids.map((id) => processed.once('activity', id, effect(id), testLogger)),
    );
    expect(ran.every(Boolean)).toBe(true);
    // The redeliveries of all of them, again concurrently: every one is recognised as done.
    const again = await Promise.all(
      ids.map((id) => processed.once('activity', id, effect(id), testLogger)),
    );
    expect(again.some(Boolean)).toBe(false);
    expect([...effects.values()].every((n) => n === 1)).toBe(true);
    expect(effects.size).toBe(ids.length);
  });
});

describe('OutboxRelay', () => {
  it('relays every event even when more documents than a batch share the look-back window, and never twice', async () => {
    const docs = db.collection<{ _id: string } & WithOutbox>('burst');
    const events = Array.from({ length: 25 }, (_, n) =>
      createEvent('user.registered', user(100 + n), 'api'),
    );
    for (const [n, event] of events.entries())
      await docs.insertOne({ _id: `d${n}`, ...outboxFields([event]) });
    const seen: string[] = [];
    const relay = new OutboxRelay({
      db,
      outbox: new Outbox(db, ['burst']),
      sink: { publishEvent: async (event) => void seen.push(event.id) },
      logger: testLogger,
      pollMs: 20,
      batchSize: 4,
    });
    relay.start();
    await eventually('all relayed', () => seen.length >= events.length);
    // A document appended to later gets only its new event relayed.
    const late = createEvent('user.registered', user(999), 'api');
    await docs.updateOne({ _id: 'd3' }, pushToOutbox([late]));
    relay.kick();
    await eventually('late event', () => seen.includes(late.id));
    await new Promise((r) => setTimeout(r, 200));
    await relay.stop();
    expect(seen.sort()).toEqual([...events.map((e) => e.id), late.id].sort());
  });

  interface UserDoc extends WithOutbox {
    _id: string;
  }

  it('keeps events in their documents while the broker is unreachable, then relays them exactly once each', async () => {
    const users = db.collection<UserDoc>('users');
    const events = [1, 2, 3].map((n) => createEvent('user.registered', user(n), 'api'));
    for (const [i, event] of events.entries()) {
      await users.insertOne({ _id: `u${i}`, ...outboxFields([event]) });
    }

    // A broker nobody listens on: publishing fails, nothing is lost.
    const dead = new BrokerConnection({
      url: 'amqp://guest:guest@127.0.0.1:1',
      name: `${namespace}dead`,
      logger: testLogger,
      reconnectMaxMs: 200,
    });
    dead.start();
    const offline = new Publisher({
      connection: dead,
      source: 'api',
      produces: ['user.registered'],
      namespace,
      logger: testLogger,
      connectTimeoutMs: 100,
    });
    await offline.start();
    const stalled = new OutboxRelay({
      db,
      outbox: new Outbox(db, ['users']),
      sink: offline,
      logger: testLogger,
      pollMs: 50,
    });
    stalled.start();
    await new Promise((r) => setTimeout(r, 400));
    await stalled.stop();
    await dead.close();
    expect(stalled.published).toBe(0);
    expect((await stalled.backlog()).count).toBe(3);

    // The broker is reachable: a consumer sees each event once, and the documents are clean.
    const connection = new BrokerConnection({
      url: servers.rabbitmq,
      name: `${namespace}live`,
      logger: testLogger,
    });
    connection.start();
    const consumer = new Consumer({
      connection,
      topology: queueTopology({ queue: 'outbox', consumes: ['user.registered'], namespace }),
      name: 't',
      logger: testLogger,
    });
    const received: Event<'user.registered'>[] = [];
    consumer.on('user.registered', async (event) => {
      received.push(event);
    });
    const outcomes = recordOutcomes(consumer);
    await consumer.start();
    await eventually('subscribed', () => consumer.consuming);
    const publisher = new Publisher({
      connection,
      source: 'api',
      produces: ['user.registered'],
      namespace,
      logger: testLogger,
    });
    await publisher.start();
    const relay = new OutboxRelay({
      db,
      outbox: new Outbox(db, ['users']),
      sink: publisher,
      logger: testLogger,
      pollMs: 50,
    });
    relay.start();
    await outcomes.until('3 events', (all) => all.length === 3);
    await relay.stop();
    await connection.close();

    expect(received.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect((await relay.backlog()).count).toBe(0);
    // The relay never wrote to the users' documents (it records progress in its own collections).
    expect(await users.countDocuments({ 'outbox.0': { $exists: true } })).toBe(3);
  });
});
