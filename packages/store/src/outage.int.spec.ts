// The store taken away from one client (a TCP proxy in front of the real store, which keeps
// serving everyone else): writes fail as outages, and nothing counts as stored that was not.
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mongoUrlForTest, startTcpProxy, uniqueNamespace, type TcpProxy } from '@herald/testkit';
import { BatchedInserts } from './batched-inserts.js';
import { isStoreUnavailable, storeOutage } from './outage.js';

let proxy: TcpProxy;
let client: MongoClient;

beforeEach(async () => {
  proxy = await startTcpProxy(mongoUrlForTest(uniqueNamespace('outage')));
  client = new MongoClient(proxy.url, { serverSelectionTimeoutMS: 1_000 });
  await client.connect();
});

afterEach(async () => {
  await proxy.restore().catch(() => undefined);
  await client.db().dropDatabase();
  await client.close();
  await proxy.close();
});

it('fails batched inserts made while the store is unreachable, as an outage, and stores them once it is back', async () => {
  const collection = client.db().collection<{ _id: string }>('claims');
  const inserts = new BatchedInserts(collection);
  expect(await inserts.insert({ _id: 'before' })).toBe(true);
  const policy = storeOutage(client.db());

  await proxy.cut();
  // The driver wraps the lost connection in a MongoBulkWriteError with no write errors.
  const failures = await Promise.all(
    ['a', 'b', 'c'].map((_id) =>
      inserts.insert({ _id }).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ),
  );
  for (const error of failures) {
    expect(error).toBeInstanceOf(Error);
    expect(isStoreUnavailable(error)).toBe(true);
  }
  expect(await policy.probe()).toBe(false);

  await proxy.restore();
  expect(await policy.probe()).toBe(true);
  expect(await Promise.all(['a', 'before', 'c'].map((_id) => inserts.insert({ _id })))).toEqual([
    true,
    false, // a duplicate is still told apart from a failure
    true,
  ]);
  const stored = await collection.find().toArray();
  expect(stored.map((d) => d._id).sort()).toEqual(['a', 'before', 'c']);
});
