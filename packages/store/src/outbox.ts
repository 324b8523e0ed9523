import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import type { AnyEvent } from '@herald/contracts';
import { PublishUnroutable, errorMessage, type Logger, type PublishOptions } from '@herald/bus';
import { processedEventsKeptMs } from './pruning.js';
import { RelayedEvents } from './relayed-events.js';
import type { Route } from './route-backoff.js';
import {
  UnroutableRetry,
  type ConsumerQueues,
  type UnroutableRetryOptions,
} from './unroutable-retry.js';

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

/** A committed write's events, as its document now holds them: the relay publishes them at once. */
export interface OutboxWrite {
  /** Where the events are stored (for the logs; the poll finds them there if this kick is lost). */
  readonly collection: string;
  readonly id: string;
  /** The events this write added, with its trace context (the document also keeps older ones). */
  readonly events: readonly PendingEvent[];
}

/** Called by a store adapter once a write that added events has committed. */
export type EventsWritten = (write: OutboxWrite) => void;

/**
 * What to tell the relay once adding `events` to document `id` of `collection` has committed.
 * Called in the write's own context, so the trace context is the one stored with the events.
 */
export function outboxWrite(
  collection: string,
  id: string,
  events: readonly PendingEvent[],
): OutboxWrite {
  return { collection, id, events: events.map(withTraceContext) };
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
  /**
   * How often the relay scans the collections for events no kick brought (a kick lost in a crash,
   * a publish that failed while the broker was down, another replica's relay that died). Kicks
   * come with each write, so this is the safety net, not the normal path; on FerretDB each scan
   * reads every document of every outbox collection.
   */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** Rescan this far behind the cursor: a write stamped earlier may become visible later. */
  readonly visibilityLagMs?: number;
  /**
   * How long the record of relayed events keeps an event's mark (`processedEventsKeptMs` by
   * default), pruned through `prune`. A document keeps its last events long after they went out,
   * and an old one whose mark is gone would go out again, so the relay never publishes an event
   * older than half of this; one that old that never went out is logged as an error instead.
   */
  readonly keepRelayedMs?: number;
  /** How events the broker returned (no queue bound) are retried; see UnroutableRetry. */
  readonly unroutable?: UnroutableRetryOptions;
  /** Called once per event the broker returned, when it starts to wait for a queue (a metric). */
  readonly onReturned?: (route: Route) => void;
  /** The queues the contract names per route: waiting events go out once all of them exist. */
  readonly consumers?: ConsumerQueues;
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

type OutboxDoc = WithOutbox & { _id: string };

/** Kicks waiting beyond this are dropped: the poll finds their events (a broker outage piles them up). */
const maxQueuedWrites = 10_000;

/**
 * Moves events from documents to the broker: publish with confirm, then record the event id in
 * `outbox_relayed`. It never writes to the documents themselves: FerretDB rewrites a whole document
 * on update, so a relay write racing the API's next update to the same document could undo it.
 * A crash between publish and record publishes the event again, which consumers dedupe by id.
 * While the broker is down the events wait in their documents and go out once it is back.
 *
 * Two paths lead to the same publish-then-record step. A kick comes from the adapter once its
 * write has committed and carries the events as stored, so the relay publishes them with no read
 * at all: nothing in its cost grows with a collection (FerretDB scans a collection for any filter
 * but a plain `_id` equality). The poll, every `pollMs` whatever the kicks, scans each collection
 * forward from a stored watermark plus a look-back window: it is what never loses an event whose
 * kick was lost (a crash right after the write) or whose publish failed (the broker was down).
 * The two run side by side, each in its own loop, and skip the events the other is publishing.
 *
 * An event the broker returns (no queue is bound to its routing key yet: the consumers have not
 * declared their queues, or a broker was rebuilt empty) is not relayed: it is handed to
 * UnroutableRetry, which keeps it in a small collection of its own and publishes it again with
 * backoff until a queue takes it. Once kept, it counts as handled here, so it holds back neither
 * the poll's cursor nor the events behind it.
 */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #stop = new AbortController();
  readonly #collections = new Map<string, Collection<OutboxDoc>>();
  readonly #relayed: RelayedEvents;
  readonly #watermarks: Collection<WatermarkDoc>;
  readonly #cursors = new Map<string, Cursor>();
  #writes: OutboxWrite[] = [];
  /** A kick without a document asks for a forward scan (the old, unaddressed kick). */
  #scanAsked = false;
  #wakeKicks: (() => void) | undefined;
  #wakePoll: (() => void) | undefined;
  #loops: Promise<unknown> | undefined;
  /** Events one of the two paths is publishing right now; the other path leaves them alone. */
  readonly #inFlight = new Set<string>();
  #published = 0;
  readonly #unroutable: UnroutableRetry;

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
    this.#unroutable = new UnroutableRetry(
      {
        db: options.db,
        id: randomUUID(),
        publish: (event) => this.#publish(event),
        horizon: () => this.#horizon(),
        logger: options.logger,
        ...(options.onReturned ? { onReturned: options.onReturned } : {}),
        ...(options.consumers ? { consumers: options.consumers } : {}),
      },
      options.unroutable,
    );
    for (const name of options.collections) {
      this.#collections.set(name, options.db.collection<OutboxDoc>(name));
    }
    this.#relayed = new RelayedEvents(options.db);
    this.#watermarks = options.db.collection<WatermarkDoc>('outbox_watermarks');
  }

  /** Events relayed since start. */
  get published(): number {
    return this.#published;
  }

  get #keepRelayedMs(): number {
    return this.#options.keepRelayedMs ?? processedEventsKeptMs;
  }

  /** Events stamped before this are never published (see `keepRelayedMs`). */
  #horizon(): number {
    return Date.now() - this.#keepRelayedMs / 2;
  }

  /**
   * Forgets the marks of events relayed before `before`, but never one younger than
   * `keepRelayedMs`: the relay's horizon depends on those.
   */
  async prune(before: Date): Promise<number> {
    const oldestKept = Date.now() - this.#keepRelayedMs;
    return this.#relayed.prune(new Date(Math.min(before.getTime(), oldestKept)));
  }

  async ensureIndexes(): Promise<void> {
    await this.#relayed.ensureIndexes();
    for (const collection of this.#collections.values()) {
      await collection.createIndex({ outboxAt: 1 });
    }
  }

  start(): void {
    this.#loops ??= Promise.all([
      this.#relayKicks(),
      this.#poll(),
      this.#unroutable.run(this.#stop.signal),
    ]);
  }

  /**
   * Call after a write that added events: relays them now instead of at the next poll. With the
   * write, its events are published as they are; without, the collections are scanned forward.
   */
  kick(write?: OutboxWrite): void {
    if (!write) {
      this.#scanAsked = true;
      this.#wakePoll?.();
    } else if (write.events.length > 0 && this.#writes.length < maxQueuedWrites) {
      this.#writes.push(write);
      this.#wakeKicks?.();
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wakeKicks?.();
    this.#wakePoll?.();
    await this.#loops;
  }

  /** Events waiting (for the broker, or for a queue) and the age of the oldest, for metrics. */
  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    const unroutable = await this.#unroutable.summary();
    let count = unroutable.count;
    let oldest = unroutable.oldest ?? Infinity;
    for (const collection of this.#collections.values()) {
      // Events past the horizon are never published, so they are not waiting either.
      const horizon = this.#horizon();
      const events = (await this.#window(collection))
        .flatMap((d) => d.outbox ?? [])
        .filter((e) => !(Date.parse(e.time) < horizon));
      const done = await this.#relayed.among(events.map((e) => e.id));
      for (const event of events.filter((e) => !done.has(e.id))) {
        count++;
        oldest = Math.min(oldest, Date.parse(event.time));
      }
    }
    return { count, oldestAgeMs: count === 0 ? 0 : Date.now() - oldest };
  }

  /**
   * The kick path. It never waits for the poll: a poll scans whole collections on FerretDB, and
   * kicks queued behind it added that scan to the latency of every write that came in meanwhile.
   */
  async #relayKicks(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const writes = this.#writes;
      this.#writes = [];
      if (writes.length === 0) {
        await this.#idle((wake) => (this.#wakeKicks = wake));
        continue;
      }
      try {
        await this.#relayWrites(writes);
      } catch (error) {
        // Not retried from here: the documents hold the events and the poll finds them.
        this.#options.logger.warn({ err: errorMessage(error) }, 'outbox kick not relayed');
      }
    }
  }

  /** The safety net: a forward scan every `pollMs` (sooner when asked) and the look-back rescan. */
  async #poll(): Promise<void> {
    const pollMs = this.#options.pollMs ?? 5_000;
    // The first pass polls: it relays what a crashed predecessor left behind.
    let pollAt = 0;
    let scanMore = false;
    while (!this.#stop.signal.aborted) {
      const polling = Date.now() >= pollAt;
      if (polling || scanMore || this.#scanAsked) {
        this.#scanAsked = false;
        scanMore = false;
        try {
          scanMore = await this.#relayForward();
          // The look-back rescan runs on the timer only: it reads every recent document again.
          if (polling && !scanMore) await this.#relayLookBack();
        } catch (error) {
          this.#options.logger.warn(
            { err: errorMessage(error) },
            'outbox relay paused; will retry',
          );
        }
        if (polling && !scanMore) pollAt = Date.now() + pollMs;
        if (scanMore || this.#scanAsked) continue;
      }
      await this.#idle((wake) => (this.#wakePoll = wake), Math.max(0, pollAt - Date.now()));
    }
  }

  /** Waits until woken through the function handed to `expose`, or `ms` pass, or the relay stops. */
  async #idle(expose: (wake: () => void) => void, ms?: number): Promise<void> {
    if (this.#stop.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      expose(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Publishes the events of committed writes. Only this process's memory of what it relayed is
   * consulted, not the store: these events were written a moment ago, so only another replica's
   * poll can have relayed them first, and then a consumer dedupes the second copy by id.
   */
  async #relayWrites(writes: readonly OutboxWrite[]): Promise<void> {
    await this.#relayEvents(
      writes.flatMap((w) => w.events),
      (ids) => this.#relayed.remembered(ids),
    );
  }

  /** Documents after the cursor, oldest first; true when a batch was full and more may wait. */
  async #relayForward(): Promise<boolean> {
    const batchSize = this.#options.batchSize ?? 100;
    let more = false;
    for (const collection of this.#collections.values()) {
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
      const elsewhere = await this.#relayEvents(docs.flatMap((d) => d.outbox ?? []));
      // The cursor stops before the first document holding an event the kick path is still
      // publishing: should that publish fail (a broker going down), the next scan must meet the
      // event again, and the look-back window is too short to be relied on for it.
      const settled = docs.findIndex((d) => (d.outbox ?? []).some((e) => elsewhere.has(e.id)));
      const done = settled === -1 ? docs : docs.slice(0, settled);
      const last = done.at(-1);
      if (last?.outboxAt)
        await this.#advance(collection.collectionName, { at: last.outboxAt, id: last._id });
      more ||= docs.length === batchSize && done.length === docs.length;
    }
    return more;
  }

  /**
   * Rescans the last few seconds behind the cursor: a write stamped earlier than one already seen
   * can become visible later, and must not be skipped.
   */
  async #relayLookBack(): Promise<void> {
    const lagMs = this.#options.visibilityLagMs ?? 3_000;
    for (const collection of this.#collections.values()) {
      const cursor = await this.#cursor(collection.collectionName);
      const docs = await collection
        .find(
          { outboxAt: { $gte: new Date(cursor.at.getTime() - lagMs), $lte: cursor.at } },
          { projection: { outbox: 1 } },
        )
        .toArray();
      await this.#relayEvents(docs.flatMap((d) => d.outbox ?? []));
    }
  }

  /**
   * Publishes the events not relayed yet and records each one the broker confirmed. They are
   * written to the channel in order and confirmed together, so a kick's batch costs about one
   * confirm round trip and one insert, not one of each per event. Resolves with the ids it left
   * to the other path, which was publishing them (not yet recorded: that publish may still fail).
   */
  async #relayEvents(
    events: readonly PendingEvent[],
    relayed: (ids: readonly string[]) => Set<string> | Promise<Set<string>> = (ids) =>
      this.#relayed.among(ids),
  ): Promise<Set<string>> {
    const current = await this.#withinHorizon(events);
    const done = await relayed(current.map((e) => e.id));
    // Checked again after the lookup: meanwhile the other path may have taken or finished one.
    const recent = this.#relayed.remembered(current.map((e) => e.id));
    const elsewhere = new Set<string>();
    const mine = current.filter((e) => {
      if (done.has(e.id) || recent.has(e.id)) return false;
      if (this.#inFlight.has(e.id)) {
        elsewhere.add(e.id);
        return false;
      }
      this.#inFlight.add(e.id);
      return true;
    });
    const results = await Promise.allSettled(
      mine.map(async (event) => {
        try {
          const kept = await this.#publishOrKeep(event);
          // Marked (and remembered) before it leaves #inFlight, so no gap lets the other path in.
          // A kept event is marked too: from now on UnroutableRetry alone publishes it.
          await this.#relayed.mark(event.id);
          if (!kept) this.#published++;
        } finally {
          this.#inFlight.delete(event.id);
        }
      }),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return elsewhere;
  }

  /**
   * The events young enough to relay (see `keepRelayedMs`). Those past the horizon whose marks
   * are still kept are looked up, and any that never went out is reported: it is not published.
   * Older ones are passed over unread, as their marks may be gone.
   */
  async #withinHorizon(events: readonly PendingEvent[]): Promise<readonly PendingEvent[]> {
    const horizon = this.#horizon();
    const marksFrom = Date.now() - this.#keepRelayedMs;
    const current: PendingEvent[] = [];
    const stale: PendingEvent[] = [];
    for (const event of events) {
      const time = Date.parse(event.time);
      if (!(time < horizon)) current.push(event);
      else if (time >= marksFrom) stale.push(event);
    }
    if (stale.length > 0) {
      const done = await this.#relayed.among(stale.map((e) => e.id));
      for (const event of stale.filter((e) => !done.has(e.id))) {
        this.#options.logger.error(
          { eventId: event.id, type: event.type, time: event.time },
          'outbox event older than the relay horizon never reached the broker; not publishing it',
        );
      }
    }
    return current;
  }

  /** Publishes `event`; true when the broker returned it and it now waits for a queue. */
  async #publishOrKeep(event: PendingEvent): Promise<boolean> {
    if (await this.#unroutable.held(event)) return true;
    try {
      await this.#publish(event);
    } catch (error) {
      if (!(error instanceof PublishUnroutable)) throw error;
      await this.#unroutable.keep(event, error);
      return true;
    }
    this.#unroutable.routed(event.type);
    return false;
  }

  /** Publishes one event in the trace of the write that made it. */
  #publish(event: PendingEvent): Promise<void> {
    const { headers, ...envelope } = event;
    const origin = propagation.extract(ROOT_CONTEXT, headers ?? {});
    return context.with(origin, () =>
      this.#options.sink.publishEvent(envelope, headers ? { headers } : {}),
    );
  }

  /** Documents stamped in the look-back window or later, for the backlog figure. */
  async #window(collection: Collection<OutboxDoc>) {
    const cursor = await this.#cursor(collection.collectionName);
    const from = new Date(cursor.at.getTime() - (this.#options.visibilityLagMs ?? 3_000));
    return collection.find({ outboxAt: { $gte: from } }, { projection: { outbox: 1 } }).toArray();
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
