import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlannedStore } from '@herald/testkit';
import { LeaseCollection } from './lease-collection.js';
import { SlotLedgerCollection } from './slot-ledger-collection.js';

// The scheduler's tick (lease, slot ledger) and its pruning, explained on the real store: each
// must be served by an index (a Bitmap Index Scan on FerretDB).
let store: PlannedStore;

beforeAll(async () => {
  store = await PlannedStore.open('schedulerplans');
});

afterAll(() => store.close());

describe('hot queries of the scheduler', () => {
  it('lease, slot ledger and their pruning', async () => {
    const leases = new LeaseCollection(store.db);
    const ledger = new SlotLedgerCollection(store.db);
    await leases.ensureIndexes();
    await ledger.ensureIndexes();
    const now = new Date('2025-03-03T09:00:00Z');
    const explain = (query: string, work: () => Promise<unknown>) => store.explain(query, work);
    await explain('leases.acquire', () => leases.acquire('h1', now, 10_000));
    await explain('leases.current', () => leases.current());
    await explain('leases.leadership', () => leases.leadership(10));
    await explain('leases.prune', () => leases.prune(now));
    await explain('slots.claim', () => ledger.claim('s', now, 1, now));
    await explain('slots.markPublished', () => ledger.markPublished('s', now, now));
    await explain('slots.lastSlot', () => ledger.lastSlot('s'));
    await explain('slots.recent', () => ledger.recent('s', 10));
    await explain('slots.unpublished', () => ledger.unpublished());
    await explain('slots.prune', () => ledger.prune(now));
    expect(store.scanning()).toEqual([]);
  });
});
