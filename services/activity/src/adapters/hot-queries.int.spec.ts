import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import {
  plannedStore,
  queryPlans,
  scanning,
  uniqueNamespace,
  type QueryPlan,
} from '@herald/testkit';
import { FeedCollection } from './feed-collection.js';
import { MembersCollection } from './members-collection.js';

// The feed page, the digest and the members it is sent to, explained on the real store: each
// must be served by an index (a Bitmap Index Scan on FerretDB).
let client: MongoClient;
let db: Db;
let close: () => Promise<void>;
const plans: QueryPlan[] = [];

beforeAll(async () => {
  ({ client, db, close } = await plannedStore(uniqueNamespace('activityplans')));
});

afterAll(async () => {
  await db.dropDatabase();
  await close();
});

const at = new Date('2025-03-03T09:00:00Z');

describe('hot queries of the activity service', () => {
  it('feed pages, digest window, members', async () => {
    const feed = new FeedCollection(db);
    const members = new MembersCollection(db);
    await feed.ensureIndexes();
    await members.ensureIndexes();
    await feed.record({
      eventId: 'e1',
      workspaceId: 'w1',
      type: 'workspace.created',
      actor: { userId: 'u1', name: 'Ada' },
      summary: 'Ada created W',
      at,
    });
    const page = (query: string, work: () => Promise<unknown>) =>
      queryPlans(client, db, query, work);
    plans.push(
      ...(await page('feed.page', () => feed.page('w1', 20))),
      ...(await page('feed.page (after)', () => feed.page('w1', 20, { at, eventId: 'e1' }))),
      ...(await page('feed.between (digest)', () =>
        feed.between(new Date(at.getTime() - 86_400_000), at),
      )),
      ...(await page('members.isMember', () => members.isMember('w1', 'u1'))),
      ...(await page('members.ofWorkspaces', () => members.ofWorkspaces(['w1', 'w2']))),
    );
    expect(plans.length).toBeGreaterThan(0);
    expect(scanning(plans)).toEqual([]);
  });
});
