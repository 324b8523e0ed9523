import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { connectMongo } from '@herald/store';
import { mongoUrlForTest, uniqueNamespace } from '@herald/testkit';
import type { SentMail } from '../domain/mail.js';
import { SentLogCollection } from './sent-log-collection.js';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('sentlog')), 'test'));
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

const day = 24 * 3_600_000;
const sent = (eventId: string, sentAt: Date): SentMail => ({
  key: `${eventId}:bob@example.test`,
  eventId,
  eventType: 'comment.created',
  recipient: 'bob@example.test',
  messageId: `<${eventId}@herald>`,
  sentAt,
});

it('keeps the first record of a key, and prunes only what was sent before the cut-off', async () => {
  const log = new SentLogCollection(db);
  const now = Date.now();
  await log.record(sent('old', new Date(now - 31 * day)));
  await log.record(sent('new', new Date(now - day)));
  await log.record({ ...sent('new', new Date(now)), messageId: '<again@herald>' });

  const docs = db.collection<{ _id: string; messageId: string }>('sent_mail');
  expect((await docs.findOne({ _id: 'new:bob@example.test' }))?.messageId).toBe('<new@herald>');
  expect(await log.prune(new Date(now - 30 * day))).toBe(1);
  expect(await log.has('old:bob@example.test')).toBe(false);
  expect(await log.has('new:bob@example.test')).toBe(true);
});
