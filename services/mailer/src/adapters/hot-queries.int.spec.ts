import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlannedStore } from '@herald/testkit';
import { SendSlotsCollection } from './send-slots-collection.js';
import { SentLogCollection } from './sent-log-collection.js';

// The sent-mail record's lookups, the shared send budget and their pruning, explained on the real store: each must be
// served by an index (a Bitmap Index Scan on FerretDB).
let store: PlannedStore;

beforeAll(async () => {
  store = await PlannedStore.open('mailerplans');
});

afterAll(() => store.close());

describe('hot queries of the mailer', () => {
  it('sent-mail lookups, send slots and their pruning', async () => {
    const log = new SentLogCollection(store.db);
    const slots = new SendSlotsCollection(store.db, 10);
    const sentAt = new Date('2025-03-03T09:00:00Z');
    await log.record({
      key: 'e1:a@x',
      eventId: 'e1',
      eventType: 't',
      recipient: 'a@x',
      messageId: 'm',
      sentAt,
    });
    await store.explain('sentLog.has', () => log.has('e1:a@x'));
    await store.explain('sentLog.prune', () => log.prune(sentAt));
    // About two minutes of slots, pruned every minute (SendSlotsCollection): read whole on purpose.
    store.smallByDesign(SendSlotsCollection.collectionName);
    await store.explain('sendSlots.claim', () => slots.claim(Math.floor(sentAt.getTime() / 1_000)));
    await store.explain('sendSlots.prune', () => slots.prune(sentAt));
    expect(store.scanning()).toEqual([]);
  });
});
