import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import {
  MongoBulkWriteError,
  type Collection,
  type Document,
  type OptionalUnlessRequiredId,
} from 'mongodb';
import { DUPLICATE_KEY } from './mongo.js';

interface Pending<T> {
  readonly doc: OptionalUnlessRequiredId<T>;
  readonly settle: (inserted: boolean) => void;
  readonly fail: (error: unknown) => void;
}

/**
 * Group commit for inserts that many concurrent handlers make: inserts queued while one batch is
 * on its way go out together in the next `insertMany`, so a consumer with hundreds of messages in
 * flight pays a few store round trips, not one per message. An idle caller waits for no timer.
 */
export class BatchedInserts<T extends Document> {
  readonly #collection: Collection<T>;
  readonly #maxBatch: number;
  #queue: Pending<T>[] = [];
  #flushing = false;

  constructor(collection: Collection<T>, maxBatch = 1_000) {
    this.#collection = collection;
    this.#maxBatch = maxBatch;
  }

  /** Resolves true once `doc` is stored, false if its _id (or another unique key) already was. */
  insert(doc: OptionalUnlessRequiredId<T>): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.#queue.push({ doc, settle, fail });
      if (!this.#flushing) {
        this.#flushing = true;
        // Inserts made in the same tick (a burst of deliveries) share the first batch too.
        queueMicrotask(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      await this.#write(batch);
    }
    this.#flushing = false;
  }

  async #write(batch: readonly Pending<T>[]): Promise<void> {
    try {
      // A batch belongs to no single message's trace; with no parent span the MongoDB
      // instrumentation leaves it out instead of hanging it off whichever message came first.
      await context.with(ROOT_CONTEXT, () =>
        this.#collection.insertMany(
          batch.map((p) => p.doc),
          { ordered: false },
        ),
      );
      for (const p of batch) p.settle(true);
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) {
        for (const p of batch) p.fail(error);
        return;
      }
      const writeErrors = [error.writeErrors].flat();
      const failed = new Map(writeErrors.map((e) => [e.index, e]));
      // The driver wraps a lost connection in the same error, with no write error per document
      // and nothing inserted: a document is stored only if every one is accounted for.
      const accounted = error.insertedCount + writeErrors.length === batch.length;
      for (const [index, p] of batch.entries()) {
        const writeError = failed.get(index);
        if (writeError?.code === DUPLICATE_KEY) p.settle(false);
        else if (!writeError && accounted) p.settle(true);
        else p.fail(error);
      }
    }
  }
}
