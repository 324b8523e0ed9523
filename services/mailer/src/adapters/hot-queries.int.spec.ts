import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { plannedStore, queryPlans, scanning, uniqueNamespace } from '@herald/testkit';
import { SentLogCollection } from './sent-log-collection.js';

// The sent-mail record's lookups and its pruning, explained on the real store: each must be
// served by an index (a Bitmap Index Scan on FerretDB).
let client: MongoClient;
let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ client, db, close } = await plannedStore(uniqueNamespace('mailerplans')));
});

afterAll(async () => {
  await db.dropDatabase();
  await close();
});

describe('hot queries of the mailer', () => {
  it('sent-mail lookups and pruning', async () => {
    const log = new SentLogCollection(db);
    const sentAt = new Date('2025-03-03T09:00:00Z');
    await log.record({
      key: 'e1:a@x',
      eventId: 'e1',
      eventType: 't',
      recipient: 'a@x',
      messageId: 'm',
      sentAt,
    });
    const plans = [
      ...(await queryPlans(client, db, 'sentLog.has', () => log.has('e1:a@x'))),
      ...(await queryPlans(client, db, 'sentLog.prune', () => log.prune(sentAt))),
    ];
    expect(plans.length).toBeGreaterThan(0);
    expect(scanning(plans)).toEqual([]);
  });
});
