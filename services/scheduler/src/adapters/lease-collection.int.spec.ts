import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { connectMongo } from '@herald/store';
import { mongoUrlForTest, uniqueNamespace } from '@herald/testkit';
import { LeaseCollection } from './lease-collection.js';
import { SlotLedgerCollection } from './slot-ledger-collection.js';

let client: MongoClient;
let db: Db;
beforeAll(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('lease')), 'lease-test'));
});
afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe('LeaseCollection', () => {
  it('gives the lease to one holder at a time, with a token that grows on every change of hands', async () => {
    const leases = new LeaseCollection(db, 'l1');
    const a = await leases.acquire('a', t(0), 15_000);
    expect(a).toMatchObject({ holder: 'a', token: 1 });
    expect(await leases.acquire('b', t(5), 15_000)).toBeUndefined(); // a's lease is live

    const renewed = await leases.renew(a!, t(10), 15_000);
    expect(renewed).toMatchObject({ holder: 'a', token: 1, expiresAt: t(25) });
    expect(await leases.acquire('b', t(20), 15_000)).toBeUndefined();

    const b = await leases.acquire('b', t(26), 15_000); // a stopped renewing
    expect(b).toMatchObject({ holder: 'b', token: 2 });
    expect(await leases.renew(renewed!, t(27), 15_000)).toBeUndefined(); // a is fenced off
    expect(await leases.acquire('a', t(27), 15_000)).toBeUndefined();
  });

  it('lets a paused leader not renew past its expiry, even if nobody took over', async () => {
    const leases = new LeaseCollection(db, 'l2');
    const a = await leases.acquire('a', t(0), 15_000);
    expect(await leases.renew(a!, t(16), 15_000)).toBeUndefined();
    expect(await leases.acquire('a', t(16), 15_000)).toMatchObject({ holder: 'a', token: 2 });
  });

  it('hands over at once on release', async () => {
    const leases = new LeaseCollection(db, 'l3');
    const a = await leases.acquire('a', t(0), 15_000);
    await leases.release(a!);
    expect(await leases.acquire('b', t(1), 15_000)).toMatchObject({ holder: 'b', token: 2 });
  });

  it('logs each change of hands with its holder, token and start, newest first', async () => {
    const leases = new LeaseCollection(db, 'l5');
    await leases.ensureIndexes();
    expect(await leases.leadership(10)).toEqual({ lease: undefined, terms: [] });
    const a = await leases.acquire('a', t(0), 15_000);
    await leases.renew(a!, t(5), 15_000); // a renewal is no change of hands
    await leases.acquire('b', t(21), 15_000);

    expect(await leases.leadership(10)).toEqual({
      lease: { holder: 'b', token: 2, expiresAt: t(36), since: t(21) },
      terms: [
        { holder: 'b', token: 2, since: t(21) },
        { holder: 'a', token: 1, since: t(0) },
      ],
    });
    expect((await leases.leadership(1)).terms).toHaveLength(1);
    expect(await leases.prune(t(10))).toBe(1);
    expect((await leases.leadership(10)).terms.map((x) => x.holder)).toEqual(['b']);
  });

  it('records a term whose log write was lost when its holder acquires again', async () => {
    const leases = new LeaseCollection(db, 'l6');
    await leases.acquire('a', t(0), 15_000);
    await db.collection('leadership_terms').deleteMany({ lease: 'l6' });
    // The elector asks again after an error: the lease is still a's, the term is written back.
    expect(await leases.acquire('a', t(2), 15_000)).toMatchObject({ holder: 'a', token: 1 });
    expect((await leases.leadership(10)).terms).toEqual([{ holder: 'a', token: 1, since: t(0) }]);
  });

  it('lets exactly one of many racing replicas take a free lease', async () => {
    const leases = new LeaseCollection(db, 'l4');
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((h) => leases.acquire(h, t(0), 15_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('SlotLedgerCollection', () => {
  it('claims a slot once; the second claimer gets the first record back', async () => {
    const ledger = new SlotLedgerCollection(db);
    await ledger.ensureIndexes();
    const first = await ledger.claim('heartbeat', t(1), 1, t(1));
    const second = await ledger.claim('heartbeat', t(1), 2, t(2));
    expect(first.claimed).toBe(true);
    expect(second).toEqual({
      claimed: false,
      record: { schedule: 'heartbeat', slot: t(1), token: 1, published: false },
    });
    expect(await ledger.unpublished()).toHaveLength(1);
    await ledger.markPublished('heartbeat', t(1), t(2));
    expect(await ledger.unpublished()).toHaveLength(0);
    await ledger.claim('heartbeat', t(3), 1, t(3));
    expect(await ledger.lastSlot('heartbeat')).toEqual(t(3));
    expect(await ledger.lastSlot('other')).toBeUndefined();

    expect(await ledger.recent('heartbeat', 10)).toEqual([
      {
        schedule: 'heartbeat',
        slot: t(3),
        token: 1,
        published: false,
        claimedAt: t(3),
        publishedAt: null,
      },
      {
        schedule: 'heartbeat',
        slot: t(1),
        token: 1,
        published: true,
        claimedAt: t(1),
        publishedAt: t(2),
      },
    ]);
    expect(await ledger.recent('heartbeat', 1)).toHaveLength(1);
  });
});
