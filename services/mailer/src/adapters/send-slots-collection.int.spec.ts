import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { connectMongo } from '@herald/store';
import { mongoUrlForTest, uniqueNamespace } from '@herald/testkit';
import { SendSlotsCollection } from './send-slots-collection.js';

let clients: MongoClient[] = [];
let dbs: Db[] = [];

beforeAll(async () => {
  const url = mongoUrlForTest(uniqueNamespace('sendslots'));
  // Two replicas: two clients of their own on one database.
  const connections = await Promise.all([connectMongo(url, 'a'), connectMongo(url, 'b')]);
  clients = connections.map((c) => c.client);
  dbs = connections.map((c) => c.db);
});

afterAll(async () => {
  await dbs[0]?.dropDatabase();
  await Promise.all(clients.map((c) => c.close()));
});

it('shares one budget per second between two replicas claiming at once', async () => {
  const [a, b] = dbs.map((db) => new SendSlotsCollection(db, 5));
  const second = 1_000_000;
  const claims = await Promise.all(
    Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a! : b!).claim(second)),
  );
  expect(claims.filter(Boolean)).toHaveLength(5);
  expect(await a!.claim(second)).toBe(false);
  // The next second has a budget of its own.
  expect(await b!.claim(second + 1)).toBe(true);
});

it('prunes the slots of the seconds before the cut-off only', async () => {
  const slots = new SendSlotsCollection(dbs[0]!, 3);
  await slots.claim(2_000_000);
  await slots.claim(2_000_060);
  expect(await slots.prune(new Date(2_000_030 * 1_000))).toBeGreaterThanOrEqual(1);
  const left = await dbs[0]!
    .collection(SendSlotsCollection.collectionName)
    .find({ second: { $gte: 2_000_000 } })
    .toArray();
  expect(left.map((d) => d._id)).toEqual(['2000060:0']);
});
