import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDigestAt } from '@herald/contracts';
import { PlannedStore } from '@herald/testkit';
import { scheduleKey } from '../domain/digest-schedule.js';
import { FeedCollection } from './feed-collection.js';
import { DigestSchedulesCollection } from './digest-schedules-collection.js';
import { MembersCollection } from './members-collection.js';

// The feed page, the digest and the members it is sent to, explained on the real store: each
// must be served by an index (a Bitmap Index Scan on FerretDB).
let store: PlannedStore;

beforeAll(async () => {
  store = await PlannedStore.open('activityplans');
});

afterAll(() => store.close());

const at = new Date('2025-03-03T09:00:00Z');

describe('hot queries of the activity service', () => {
  it('feed pages, digest windows, due schedules, members', async () => {
    const { db } = store;
    const feed = new FeedCollection(db);
    const members = new MembersCollection(db);
    const schedules = new DigestSchedulesCollection(db);
    for (const collection of [feed, members, schedules]) await collection.ensureIndexes();
    await feed.record({
      eventId: 'e1',
      workspaceId: 'w1',
      type: 'workspace.created',
      actor: { userId: 'u1', name: 'Ada' },
      summary: 'Ada created W',
      at,
    });
    await schedules.ensure('u1');
    // One document per time zone in use (a few hundred at most), read whole on purpose.
    store.smallByDesign('digest_zones');
    const drain = async (items: AsyncIterable<unknown>) => {
      const all: unknown[] = [];
      for await (const item of items) all.push(item);
      return all;
    };
    await store.explain('feed.page', () => feed.page('w1', 20));
    await store.explain('feed.page (after)', () => feed.page('w1', 20, { at, eventId: 'e1' }));
    await store.explain('feed.window (digest)', () =>
      drain(feed.window('w1', new Date(at.getTime() - 86_400_000), at)),
    );
    await store.explain('digestSchedules.zones', () => schedules.zones());
    await store.explain('digestSchedules.due', () =>
      drain(schedules.due(scheduleKey(defaultDigestAt))),
    );
    await store.explain('digestSchedules.record', () =>
      schedules.record('u1', { hour: 8, timeZone: 'UTC' }, 1),
    );
    await store.explain('members.isMember', () => members.isMember('w1', 'u1'));
    await store.explain('members.ofUsers', () => members.ofUsers(['u1', 'u2']));
    expect(store.scanning()).toEqual([]);
  });
});
