import type { Collection, Db } from 'mongodb';
import { BatchedInserts } from './batched-inserts.js';

interface RelayedDoc {
  /** The event id: the marker that it reached the broker. Insert-only, so it never races. */
  _id: string;
  at: Date;
}

/** Ids this process marked recently; enough for the look-back poll to meet them again. */
const rememberedIds = 10_000;

/** How many `_id` lookups one check keeps in flight (a look-back batch can hold thousands). */
const lookupsInFlight = 64;

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
    for (let start = 0; start < unknown.length; start += lookupsInFlight) {
      const found = await Promise.all(
        unknown
          .slice(start, start + lookupsInFlight)
          .map((id) => this.#collection.findOne({ _id: id }, { projection: { _id: 1 } })),
      );
      for (const doc of found) {
        if (!doc) continue;
        done.add(doc._id);
        this.#remember(doc._id);
      }
    }
    return done;
  }

  /** Records that `id` reached the broker; another replica's relay may have recorded it first. */
  async mark(id: string): Promise<void> {
    await this.#inserts.insert({ _id: id, at: new Date() });
    this.#remember(id);
  }

  /** Forgets the marks made before `before`; returns how many it deleted. */
  async prune(before: Date): Promise<number> {
    return (await this.#collection.deleteMany({ at: { $lt: before } })).deletedCount;
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
