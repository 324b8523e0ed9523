import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { SlotEntry, SlotLedger, SlotRecord } from '../domain/ports.js';

interface SlotDoc {
  /** `${schedule}@${slot ISO}`: the _id's uniqueness is what makes a slot fire once. */
  _id: string;
  schedule: string;
  slot: Date;
  token: number;
  published: boolean;
  claimedAt: Date;
  publishedAt?: Date;
}

const idOf = (schedule: string, slot: Date) => `${schedule}@${slot.toISOString()}`;

export class SlotLedgerCollection implements SlotLedger {
  readonly #collection: Collection<SlotDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<SlotDoc>('slots');
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ schedule: 1, slot: -1 });
    await this.#collection.createIndex({ published: 1 });
  }

  async claim(schedule: string, slot: Date, token: number, now: Date) {
    const doc: SlotDoc = {
      _id: idOf(schedule, slot),
      schedule,
      slot,
      token,
      published: false,
      claimedAt: now,
    };
    try {
      await this.#collection.insertOne(doc);
      return { claimed: true, record: toRecord(doc) };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.#collection.findOne({ _id: doc._id });
      if (!existing) throw error;
      return { claimed: false, record: toRecord(existing) };
    }
  }

  async markPublished(schedule: string, slot: Date, now: Date): Promise<void> {
    await this.#collection.updateOne(
      { _id: idOf(schedule, slot) },
      { $set: { published: true, publishedAt: now } },
    );
  }

  async lastSlot(schedule: string): Promise<Date | undefined> {
    const doc = await this.#collection.findOne(
      { schedule },
      { sort: { slot: -1 }, projection: { slot: 1 } },
    );
    return doc?.slot;
  }

  /** The schedule's last `limit` slots, newest first, claimed or published. */
  async recent(schedule: string, limit: number): Promise<SlotEntry[]> {
    const docs = await this.#collection
      .find({ schedule })
      .sort({ slot: -1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => ({
      ...toRecord(doc),
      claimedAt: doc.claimedAt,
      publishedAt: doc.publishedAt ?? null,
    }));
  }

  async unpublished(): Promise<SlotRecord[]> {
    const docs = await this.#collection
      .find({ published: false })
      .sort({ slot: 1 })
      .limit(1_000)
      .toArray();
    return docs.map(toRecord);
  }

  async prune(before: Date): Promise<number> {
    const result = await this.#collection.deleteMany({ slot: { $lt: before }, published: true });
    return result.deletedCount;
  }
}

function toRecord(doc: SlotDoc): SlotRecord {
  return { schedule: doc.schedule, slot: doc.slot, token: doc.token, published: doc.published };
}
