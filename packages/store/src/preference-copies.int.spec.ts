// A consumer's copy of the preferences against the real store: late, repeated and racing messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { defaultNotificationPreferences } from '@herald/contracts';
import { mongoUrlForTest, uniqueNamespace } from '@herald/testkit';
import { connectMongo } from './mongo.js';
import { PreferenceCopies } from './preference-copies.js';

let client: MongoClient;
let db: Db;
let copies: PreferenceCopies;

beforeAll(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('prefcopies')), 'test'));
  copies = new PreferenceCopies(db);
  await copies.ensureIndexes();
});
afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

/** Version `n` of a user's preferences: e-mail digests off on odd versions, on on even ones. */
const change = (userId: string, version: number) => ({
  userId,
  version,
  preferences: {
    ...defaultNotificationPreferences,
    email: { ...defaultNotificationPreferences.email, digest: version % 2 === 0 },
  },
});

describe('PreferenceCopies', () => {
  it('answers everything on for a user it never heard of', async () => {
    expect(await copies.of('nobody')).toEqual(defaultNotificationPreferences);
  });

  it('keeps the highest version, whatever order the versions arrive in, and ignores repeats', async () => {
    for (const version of [2, 3, 1, 3, 2]) await copies.record(change('u-late', version));
    expect(await copies.of('u-late')).toEqual(change('u-late', 3).preferences);
  });

  it('ends on the highest version when versions of one user are recorded concurrently', async () => {
    await Promise.all([5, 1, 4, 2, 3].map((v) => copies.record(change('u-race', v))));
    expect(await copies.of('u-race')).toEqual(change('u-race', 5).preferences);
  });
});
