import type { Collection, Db } from 'mongodb';

interface HeartbeatDoc {
  _id: 'system';
  /** The latest heartbeat slot handled by any replica of this service. */
  slot: Date;
  receivedAt: Date;
}

/**
 * When this service last handled `system.heartbeat`, kept in its own database so every replica
 * answers the same: the end-to-end proof that scheduler -> broker -> this consumer works.
 */
export class Heartbeats {
  readonly #collection: Collection<HeartbeatDoc>;

  readonly #onRecorded: ((slot: Date) => void) | undefined;

  /** `onRecorded` feeds the last-heartbeat metric. */
  constructor(db: Db, onRecorded?: (slot: Date) => void) {
    this.#collection = db.collection<HeartbeatDoc>('heartbeats');
    this.#onRecorded = onRecorded;
  }

  async record(slot: Date, receivedAt: Date): Promise<void> {
    // $max: a late redelivery of an older slot never moves the record backwards.
    await this.#collection.updateOne(
      { _id: 'system' },
      { $max: { slot }, $set: { receivedAt } },
      { upsert: true },
    );
    this.#onRecorded?.(slot);
  }

  async status(): Promise<{ lastSlot: string | null; receivedAt: string | null }> {
    const doc = await this.#collection.findOne({ _id: 'system' });
    return {
      lastSlot: doc?.slot.toISOString() ?? null,
      receivedAt: doc?.receivedAt.toISOString() ?? null,
    };
  }
}
