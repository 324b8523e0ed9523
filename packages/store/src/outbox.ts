import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import type { AnyEvent } from '@herald/contracts';
import { errorMessage, sleep, type Logger, type PublishOptions } from '@herald/bus';

/** An event waiting in its aggregate's document, with the trace context of the write that made it. */
export type PendingEvent = AnyEvent & { readonly headers?: Record<string, string> };

/**
 * The outbox lives inside the document the write changes (`outbox` array), so the write and its
 * events commit in one single-document operation — atomic on MongoDB and on FerretDB alike, with
 * no multi-document transaction needed.
 */
export interface WithOutbox {
  outbox?: PendingEvent[];
}

/** The fields to add to an inserted document. */
export function outboxFields(events: readonly PendingEvent[]): WithOutbox {
  return { outbox: [...events] };
}

/** The update operator that appends events to an existing document. */
export function pushToOutbox<T extends WithOutbox>(
  events: readonly PendingEvent[],
): UpdateFilter<T> {
  return { $push: { outbox: { $each: [...events] } } } as unknown as UpdateFilter<T>;
}

export interface EventSink {
  publishEvent(event: AnyEvent, options?: PublishOptions): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly db: Db;
  /** Collections whose documents carry an `outbox` array. */
  readonly collections: readonly string[];
  readonly sink: EventSink;
  readonly logger: Logger;
  /** How often the relay looks for events when nobody kicked it (crash recovery, broker outage). */
  readonly pollMs?: number;
  readonly batchSize?: number;
}

const pending = { outbox: { $exists: true, $ne: [] } };

/**
 * Moves events from documents to the broker: publish with confirm, then remove from the document.
 * A crash between the two publishes the event again, which consumers dedupe by event id. While the
 * broker is down the events stay in the documents and go out once it is back.
 */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #stop = new AbortController();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #published = 0;
  readonly #collections: Collection<WithOutbox>[];

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
    this.#collections = options.collections.map((name) => options.db.collection<WithOutbox>(name));
  }

  /** Events relayed since start. */
  get published(): number {
    return this.#published;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Call after a write that added events: relays now instead of at the next poll. */
  kick(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    await this.#loop;
  }

  /** Events waiting and the age of the oldest, for metrics and readiness. */
  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    let count = 0;
    let oldest = Infinity;
    for (const collection of this.#collections) {
      for await (const doc of collection.find(pending, { projection: { outbox: 1 } })) {
        for (const event of doc.outbox ?? []) {
          count++;
          oldest = Math.min(oldest, Date.parse(event.time));
        }
      }
    }
    return { count, oldestAgeMs: count === 0 ? 0 : Date.now() - oldest };
  }

  async #run(): Promise<void> {
    const pollMs = this.#options.pollMs ?? 1_000;
    while (!this.#stop.signal.aborted) {
      let moved = 0;
      try {
        moved = await this.#relayBatch();
      } catch (error) {
        this.#options.logger.warn({ err: errorMessage(error) }, 'outbox relay paused; will retry');
      }
      if (moved > 0) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        void sleep(pollMs, this.#stop.signal).then(resolve);
      });
      this.#wake = undefined;
    }
  }

  async #relayBatch(): Promise<number> {
    let moved = 0;
    for (const collection of this.#collections) {
      const docs = collection.find(pending, {
        projection: { outbox: 1 },
        limit: this.#options.batchSize ?? 100,
      });
      for await (const doc of docs) {
        for (const event of doc.outbox ?? []) {
          const { headers, ...envelope } = event;
          const origin = propagation.extract(ROOT_CONTEXT, headers ?? {});
          await context.with(origin, () =>
            this.#options.sink.publishEvent(envelope, headers ? { headers } : {}),
          );
          // The whole stored element, not a condition: FerretDB's $pull matches by equality only.
          await collection.updateOne({ _id: doc._id }, { $pull: { outbox: event } });
          this.#published++;
          moved++;
        }
      }
    }
    return moved;
  }
}
