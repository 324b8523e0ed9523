import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import type { AnyEvent } from '@herald/contracts';
import { errorMessage, sleep, type Logger, type PublishOptions } from '@herald/bus';
import { isDuplicateKey } from './mongo.js';

/** An event waiting in its aggregate's document, with the trace context of the write that made it. */
export type PendingEvent = AnyEvent & { readonly headers?: Record<string, string> };

/**
 * The outbox lives inside the document the write changes (`outbox` array, newest `outboxAt`), so
 * the write and its events commit in one single-document operation — atomic on MongoDB and on
 * FerretDB alike, with no multi-document transaction needed.
 */
export interface WithOutbox {
  outbox?: PendingEvent[];
  outboxAt?: Date;
}

/** How many events a document keeps; older ones have long been relayed. */
const keptPerDocument = 200;

/**
 * Stores the trace context of the write with each event, so the relay's publish (maybe seconds
 * later, maybe in another process after a crash) continues the request's trace.
 */
function withTraceContext(event: PendingEvent): PendingEvent {
  const headers: Record<string, string> = { ...event.headers };
  propagation.inject(context.active(), headers);
  return Object.keys(headers).length > 0 ? { ...event, headers } : event;
}

/** The fields to add to an inserted document. */
export function outboxFields(events: readonly PendingEvent[]): WithOutbox {
  return { outbox: events.map(withTraceContext), outboxAt: new Date() };
}

/** The update operators that append events to an existing document (no `$set`, so they merge). */
export function pushToOutbox<T extends WithOutbox>(
  events: readonly PendingEvent[],
): UpdateFilter<T> {
  return {
    $push: { outbox: { $each: events.map(withTraceContext), $slice: -keptPerDocument } },
    $max: { outboxAt: new Date() },
  } as unknown as UpdateFilter<T>;
}

export interface EventSink {
  publishEvent(event: AnyEvent, options?: PublishOptions): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly db: Db;
  /** Collections whose documents carry an `outbox` array (and string `_id`s). */
  readonly collections: readonly string[];
  readonly sink: EventSink;
  readonly logger: Logger;
  /** How often the relay looks for events when nobody kicked it (crash recovery, broker outage). */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** Rescan this far behind the cursor: a write stamped earlier may become visible later. */
  readonly visibilityLagMs?: number;
}

interface RelayedDoc {
  /** The event id: the marker that it reached the broker. Insert-only, so it never races. */
  _id: string;
  at: Date;
}

/** A position in a collection's (outboxAt, _id) order. */
interface Cursor {
  readonly at: Date;
  readonly id?: string;
}

interface WatermarkDoc {
  _id: string;
  watermark: Date;
}

/**
 * Moves events from documents to the broker: publish with confirm, then record the event id in
 * `outbox_relayed`. It never writes to the documents themselves: FerretDB rewrites a whole document
 * on update, so a relay write racing the API's next update to the same document could undo it.
 * A crash between publish and record publishes the event again, which consumers dedupe by id.
 * While the broker is down the events wait in their documents and go out once it is back.
 */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #stop = new AbortController();
  readonly #collections: Collection<WithOutbox & { _id: string }>[];
  readonly #relayed: Collection<RelayedDoc>;
  readonly #watermarks: Collection<WatermarkDoc>;
  readonly #cursors = new Map<string, Cursor>();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #published = 0;

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
    this.#collections = options.collections.map((name) => options.db.collection(name));
    this.#relayed = options.db.collection<RelayedDoc>('outbox_relayed');
    this.#watermarks = options.db.collection<WatermarkDoc>('outbox_watermarks');
  }

  /** Events relayed since start. */
  get published(): number {
    return this.#published;
  }

  async ensureIndexes(): Promise<void> {
    for (const collection of this.#collections) await collection.createIndex({ outboxAt: 1 });
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

  /** Events waiting and the age of the oldest, for metrics. */
  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    let count = 0;
    let oldest = Infinity;
    for (const collection of this.#collections) {
      const events = (await this.#window(collection)).flatMap((d) => d.outbox ?? []);
      const done = await this.#alreadyRelayed(events);
      for (const event of events.filter((e) => !done.has(e.id))) {
        count++;
        oldest = Math.min(oldest, Date.parse(event.time));
      }
    }
    return { count, oldestAgeMs: count === 0 ? 0 : Date.now() - oldest };
  }

  async #run(): Promise<void> {
    const pollMs = this.#options.pollMs ?? 1_000;
    let kicked = false;
    while (!this.#stop.signal.aborted) {
      let more = false;
      try {
        more = await this.#relayForward();
        // The look-back rescan runs on the timer only: a kick per write must stay cheap.
        if (!more && !kicked) await this.#relayLookBack();
      } catch (error) {
        this.#options.logger.warn({ err: errorMessage(error) }, 'outbox relay paused; will retry');
      }
      if (more) continue;
      kicked = await new Promise<boolean>((resolve) => {
        this.#wake = () => resolve(true);
        void sleep(pollMs, this.#stop.signal).then(() => resolve(false));
      });
      this.#wake = undefined;
    }
  }

  /** Documents after the cursor, oldest first; true when a batch was full and more may wait. */
  async #relayForward(): Promise<boolean> {
    const batchSize = this.#options.batchSize ?? 100;
    let more = false;
    for (const collection of this.#collections) {
      const cursor = await this.#cursor(collection.collectionName);
      const after =
        cursor.id === undefined
          ? { outboxAt: { $gte: cursor.at } }
          : {
              $or: [
                { outboxAt: { $gt: cursor.at } },
                { outboxAt: cursor.at, _id: { $gt: cursor.id } },
              ],
            };
      const docs = await collection
        .find(after, { projection: { outbox: 1, outboxAt: 1 } })
        .sort({ outboxAt: 1, _id: 1 })
        .limit(batchSize)
        .toArray();
      await this.#relayDocs(docs);
      const last = docs.at(-1);
      if (last?.outboxAt)
        await this.#advance(collection.collectionName, { at: last.outboxAt, id: last._id });
      more ||= docs.length === batchSize;
    }
    return more;
  }

  /**
   * Rescans the last few seconds behind the cursor: a write stamped earlier than one already seen
   * can become visible later, and must not be skipped.
   */
  async #relayLookBack(): Promise<void> {
    const lagMs = this.#options.visibilityLagMs ?? 3_000;
    for (const collection of this.#collections) {
      const cursor = await this.#cursor(collection.collectionName);
      const docs = await collection
        .find(
          { outboxAt: { $gte: new Date(cursor.at.getTime() - lagMs), $lte: cursor.at } },
          { projection: { outbox: 1 } },
        )
        .toArray();
      await this.#relayDocs(docs);
    }
  }

  async #relayDocs(docs: readonly WithOutbox[]): Promise<void> {
    const done = await this.#alreadyRelayed(docs.flatMap((d) => d.outbox ?? []));
    for (const event of docs.flatMap((d) => d.outbox ?? [])) {
      if (done.has(event.id)) continue;
      const { headers, ...envelope } = event;
      const origin = propagation.extract(ROOT_CONTEXT, headers ?? {});
      await context.with(origin, () =>
        this.#options.sink.publishEvent(envelope, headers ? { headers } : {}),
      );
      await this.#markRelayed(event.id);
      this.#published++;
    }
  }

  /** Documents stamped in the look-back window or later, for the backlog figure. */
  async #window(collection: Collection<WithOutbox & { _id: string }>) {
    const cursor = await this.#cursor(collection.collectionName);
    const from = new Date(cursor.at.getTime() - (this.#options.visibilityLagMs ?? 3_000));
    return collection.find({ outboxAt: { $gte: from } }, { projection: { outbox: 1 } }).toArray();
  }

  async #alreadyRelayed(events: readonly PendingEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const found = await this.#relayed
      .find({ _id: { $in: events.map((e) => e.id) } }, { projection: { _id: 1 } })
      .toArray();
    return new Set(found.map((d) => d._id));
  }

  async #markRelayed(id: string): Promise<void> {
    try {
      await this.#relayed.insertOne({ _id: id, at: new Date() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // another replica's relay got there first
    }
  }

  /** Where the forward scan resumes: the last relayed document (in memory), else the stored watermark. */
  async #cursor(name: string): Promise<Cursor> {
    const known = this.#cursors.get(name);
    if (known) return known;
    const doc = await this.#watermarks.findOne({ _id: name });
    // First run: look back a week, which covers any outage the broker plausibly had.
    const cursor = { at: doc?.watermark ?? new Date(Date.now() - 7 * 24 * 3_600_000) };
    this.#cursors.set(name, cursor);
    return cursor;
  }

  async #advance(name: string, cursor: Cursor): Promise<void> {
    this.#cursors.set(name, cursor);
    // Only relays write this document; replicas racing on it at worst rescan a little.
    await this.#watermarks.updateOne(
      { _id: name },
      { $max: { watermark: cursor.at } },
      { upsert: true },
    );
  }
}

/** Find options that leave the outbox out of a document read for the domain. */
export const withoutOutbox = { projection: { outbox: 0, outboxAt: 0 } } as const;
