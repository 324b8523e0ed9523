import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { servers } from '@herald/testkit';
import { aNotification, createHarness, type Harness } from '../../test/harness.js';
import { NotificationsCollection } from './notifications-collection.js';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});

afterEach(async () => {
  await h.close();
});

describe('NotificationsCollection', () => {
  it("numbers each user's notifications 1, 2, 3… and answers repeats as first stored", async () => {
    const [a, b, c] = [0, 1, 2].map((n) => aNotification('u-ada', n, 1_000 + n));
    const grace = aNotification('u-grace', 3, 1_000);

    expect(await h.store.saveAll([a!, b!, grace])).toEqual([
      { ...a, seq: 1 },
      { ...b, seq: 2 },
      { ...grace, seq: 1 },
    ]);
    expect(await h.store.saveAll([a!, c!, b!])).toEqual([
      { ...a, seq: 1 },
      { ...c, seq: 3 },
      { ...b, seq: 2 },
    ]);
    expect(await h.store.saveAll([])).toEqual([]);
    expect(await h.db.collection('notifications').countDocuments()).toBe(4);
    expect(await h.store.latestSeq('u-ada')).toBe(3);
    expect(await h.store.latestSeq('u-nobody')).toBe(0);
    expect((await h.store.after('u-ada', 1, 10)).map((n) => n.seq)).toEqual([2, 3]);
    expect((await h.store.after('u-ada', 0, 2)).map((n) => n.id)).toEqual([a!.id, b!.id]);
  });

  it('numbers densely and once each when two replicas store for one user at once', async () => {
    // A second client and collection: another replica, with its own cache of the last seq.
    const client = await MongoClient.connect(servers.mongo);
    try {
      const other = new NotificationsCollection(client.db(h.db.databaseName));
      const replicas = [h.store, other];
      const saved = await Promise.all(
        Array.from({ length: 40 }, (_, n) =>
          replicas[n % 2]!.saveAll([aNotification('u-ada', n, 1_000 + n)]),
        ),
      );
      // Both replicas again, now that each cache is behind the other's writes.
      saved.push(await other.saveAll([aNotification('u-ada', 40, 2_000)]));
      saved.push(await h.store.saveAll([aNotification('u-ada', 41, 2_001)]));

      const seqs = saved.flat().map((n) => n.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
      const docs = await h.db.collection('notifications').find().toArray();
      expect(new Set(docs.map((d) => d.seq as number)).size).toBe(42);
    } finally {
      await client.close();
    }
  });

  it('leaves notifications stored before seqs existed out of the sequence', async () => {
    const legacy = [0, 1].map((n) => aNotification('u-ada', n, 1_000 + n));
    // As the previous version stored them: no seq, and no index on it yet.
    await h.db.collection('notifications').dropIndexes();
    await h.db
      .collection('notifications')
      .insertMany(legacy.map(({ id, link, ...rest }) => ({ _id: id as never, link, ...rest })));
    await h.store.ensureIndexes();

    const [fresh] = await h.store.saveAll([aNotification('u-ada', 2, 3_000)]);
    const again = await h.store.saveAll([legacy[0]!]);

    expect(fresh?.seq).toBe(1);
    expect(again).toEqual([]);
    expect((await h.store.after('u-ada', 0, 10)).map((n) => n.id)).toEqual([fresh?.id]);
    expect(await h.store.list({ userId: 'u-ada', limit: 10, unreadOnly: false })).toHaveLength(3);
  });

  it('keeps the first version of a notification that arrives again', async () => {
    const first = aNotification('u-ada', 0, 1_000);
    await h.store.saveAll([first]);

    await h.store.saveAll([{ ...first, title: 'changed', createdAt: new Date(9_000) }]);

    expect(await h.store.list({ userId: 'u-ada', limit: 10, unreadOnly: false })).toEqual([first]);
  });

  it('round-trips a notification without a link, leaving the link out', async () => {
    const bare = { ...aNotification('u-ada', 0, 1_000), link: undefined };
    await h.store.saveAll([bare]);

    const [stored] = await h.store.list({ userId: 'u-ada', limit: 1, unreadOnly: false });

    expect(stored).toEqual(bare);
    expect(stored).not.toHaveProperty('link');
  });

  it('orders ties in time by id, newest first', async () => {
    const same = [3, 1, 2].map((n) => aNotification('u-ada', n, 5_000));
    await h.store.saveAll([...same, aNotification('u-ada', 0, 6_000)]);

    const ids = (await h.store.list({ userId: 'u-ada', limit: 10, unreadOnly: false })).map(
      (n) => n.id,
    );

    expect(ids).toEqual(['evt-000:u-ada', 'evt-003:u-ada', 'evt-002:u-ada', 'evt-001:u-ada']);
  });
});
