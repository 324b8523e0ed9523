import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aNotification, createHarness, type Harness } from '../../test/harness.js';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});

afterEach(async () => {
  await h.close();
});

describe('NotificationsCollection', () => {
  it('stores new notifications and returns exactly the ones it stored', async () => {
    const [a, b, c] = [0, 1, 2].map((n) => aNotification('u-ada', n, 1_000 + n));

    expect(await h.store.saveAll([a!, b!])).toEqual([a, b]);
    expect(await h.store.saveAll([a!, c!, b!])).toEqual([c]);
    expect(await h.store.saveAll([c!])).toEqual([]);
    expect(await h.store.saveAll([])).toEqual([]);
    expect(await h.db.collection('notifications').countDocuments()).toBe(3);
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
