import type { Collection, Db } from 'mongodb';
import { BatchedInserts } from './batched-inserts.js';
import { dayOf, pruneByDay } from './day-buckets.js';
import { findByKeys } from './keyed-reads.js';

interface RelayedDoc {
  /** The event id: the marker that it reached the broker. Insert-only, so it never races. */
  _id: string;
  at: Date;
  /** The UTC day of `at`: what pruning deletes by. */
  day: string;
}

/** Ids this process marked recently; enough for the look-back poll to meet them again. */
const rememberedIds = 10_000;

/**
 * The `outbox_relayed` record: which events reached the broker. Every read is a plain `_id`
 * equality lookup, one per event, because FerretDB uses an index for nothing else: an `_id: {$in}`
 * scans and decodes the whole record, which grows by one document per event ever relayed. On
 * MongoDB both are index lookups. Ids this process marked are remembered (bounded), so the
 * look-back poll passing over events the kicks already relayed costs no store read at all.
 */
export class RelayedEvents {
  readonly #collection: Collection<RelayedDoc>;
  readonly #inserts: BatchedInserts<RelayedDoc>;
  readonly #recent = new Set<string>();

  constructor(db: Db) {
    this.#collection = db.collection<RelayedDoc>('outbox_relayed');
    // Concurrent marks (a kick's events are published together) share one insertMany.
    this.#inserts = new BatchedInserts(this.#collection);
  }

  /** The ids among `ids` this process recorded lately (no store read). */
  remembered(ids: readonly string[]): Set<string> {
    return new Set(ids.filter((id) => this.#recent.has(id)));
  }

  /** The ids among `ids` already relayed, by this process or any other. */
  async among(ids: readonly string[]): Promise<Set<string>> {
    const done = this.remembered(ids);
    const unknown = ids.filter((id) => !done.has(id));
    for (const doc of await findByKeys(this.#collection, '_id', unknown, {
      projection: { _id: 1 },
    })) {
      done.add(doc._id);
      this.#remember(doc._id);
    }
    return done;
  }

  /** Records that `id` reached the broker; another replica's relay may have recorded it first. */
  async mark(id: string): Promise<void> {
    const at = new Date();
    await this.#inserts.insert({ _id: id, at, day: dayOf(at) });
    this.#remember(id);
  }

  /** Forgets the marks made before `before`; returns how many it deleted. */
  async prune(before: Date): Promise<number> {
    return pruneByDay(this.#collection, { day: 'day', at: 'at' }, before);
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ day: 1 });
  }

  #remember(id: string): void {
    this.#recent.add(id);
    if (this.#recent.size > rememberedIds) {
      // A Set iterates in insertion order: the first id is the oldest.
      const [oldest] = this.#recent;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
  }
}
