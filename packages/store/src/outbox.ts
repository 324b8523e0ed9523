import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Collection, Db } from 'mongodb';
import type { AnyEvent } from '@herald/contracts';
import { PublishUnroutable, errorMessage, type Logger, type PublishOptions } from '@herald/bus';
import type { Outbox } from './event-collection.js';
import { InFlight } from './in-flight.js';
import {
  MongoWatermarks,
  OutboxCursors,
  buckets,
  byStamp,
  eventsOf,
  isAfter,
  type OutboxDoc,
} from './outbox-cursor.js';
import type { OutboxWrite, PendingEvent } from './outbox-fields.js';
import { processedEventsKeptMs } from './pruning.js';
import { RelayHorizon } from './relay-horizon.js';
import { RelayedEvents } from './relayed-events.js';
import type { Route } from './route-backoff.js';
import {
  UnroutableRetry,
  type ConsumerQueues,
  type UnroutableRetryOptions,
} from './unroutable-retry.js';

export * from './outbox-fields.js';

export interface EventSink {
  publishEvent(event: AnyEvent, options?: PublishOptions): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly db: Db;
  /** The collections to watch; the relay hears of every write through them. */
  readonly outbox: Outbox;
  readonly sink: EventSink;
  readonly logger: Logger;
  /**
   * How often the relay scans the collections for events no kick brought (a kick lost in a crash,
   * a publish that failed while the broker was down, another replica's relay that died). Kicks
   * come with each write, so this is the safety net, not the normal path.
   */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** Rescan this far behind the cursor: a write stamped earlier may become visible later. */
  readonly visibilityLagMs?: number;
  /**
   * How long the record of relayed events keeps an event's mark (`processedEventsKeptMs` by
   * default), pruned through `prune`; see RelayHorizon.
   */
  readonly keepRelayedMs?: number;
  /** How events the broker returned (no queue bound) are retried; see UnroutableRetry. */
  readonly unroutable?: UnroutableRetryOptions;
  /** Called once per event the broker returned, when it starts to wait for a queue (a metric). */
  readonly onReturned?: (route: Route) => void;
  /** The queues the contract names per route: waiting events go out once all of them exist. */
  readonly consumers?: ConsumerQueues;
}

/** Kicks waiting beyond this are dropped: the poll finds their events (a broker outage piles them up). */
const maxQueuedWrites = 10_000;

/**
 * Moves events from documents to the broker: publish with confirm, then record the event id in
 * `outbox_relayed`. It never writes to the documents themselves: FerretDB rewrites a whole document
 * on update, so a relay write racing the API's next update to the same document could undo it.
 * A crash between publish and record publishes the event again, which consumers dedupe by id.
 * While the broker is down the events wait in their documents and go out once it is back.
 *
 * Two paths lead to the same publish-then-record step (InFlight keeps them apart). A kick comes
 * from the outbox once a write has committed and carries the events as stored, so the relay
 * publishes them with no read at all. The poll, every `pollMs` whatever the kicks, walks each
 * collection's minute buckets forward from its cursor (OutboxCursors), plus a look-back window:
 * it is what never loses an event whose kick was lost (a crash right after the write) or whose
 * publish failed (the broker was down). Every read it makes is an equality on a bucket, so its
 * cost follows the writes of the minutes it reads, not the size of the collection.
 *
 * An event the broker returns (no queue is bound to its routing key yet) is handed to
 * UnroutableRetry, which keeps it in a small collection of its own and publishes it again with
 * backoff until a queue takes it. Once kept, it counts as handled here.
 */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #stop = new AbortController();
  readonly #relayed: RelayedEvents;
  readonly #cursors: OutboxCursors;
  readonly #horizon: RelayHorizon;
  readonly #inFlight = new InFlight();
  readonly #unroutable: UnroutableRetry;
  #writes: OutboxWrite[] = [];
  /** A kick without a document asks for a forward scan. */
  #scanAsked = false;
  #wakeKicks: (() => void) | undefined;
  #wakePoll: (() => void) | undefined;
  #loops: Promise<unknown> | undefined;
  #published = 0;

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
    this.#horizon = new RelayHorizon(options.keepRelayedMs ?? processedEventsKeptMs);
    this.#unroutable = new UnroutableRetry(
      {
        db: options.db,
        id: randomUUID(),
        publish: (event) => this.#publish(event),
        horizon: () => this.#horizon.horizon(),
        logger: options.logger,
        ...(options.onReturned ? { onReturned: options.onReturned } : {}),
        ...(options.consumers ? { consumers: options.consumers } : {}),
      },
      options.unroutable,
    );
    this.#relayed = new RelayedEvents(options.db);
    this.#cursors = new OutboxCursors(new MongoWatermarks(options.db));
    options.outbox.afterCommit((write) => this.kick(write));
  }

  /** Events relayed since start. */
  get published(): number {
    return this.#published;
  }

  get #lagMs(): number {
    return this.#options.visibilityLagMs ?? 3_000;
  }

  #collections(): Collection<OutboxDoc>[] {
    return this.#options.outbox.names.map((name) => this.#options.db.collection<OutboxDoc>(name));
  }

  /** Forgets the marks of events relayed before `before`, never one the horizon depends on. */
  async prune(before: Date): Promise<number> {
    return this.#relayed.prune(this.#horizon.pruneBefore(before));
  }

  async ensureIndexes(): Promise<void> {
    await this.#relayed.ensureIndexes();
    for (const collection of this.#collections()) {
      await collection.createIndex({ outboxMinute: 1 });
      await collection.createIndex({ outboxHour: 1 });
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
   * Relays a committed write's events now instead of at the next poll; with no write, the
   * collections are scanned forward.
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
    for (const collection of this.#collections()) {
      const cursor = await this.#cursors.of(collection.collectionName);
      const from = cursor.at.getTime() - this.#lagMs;
      const events: PendingEvent[] = [];
      for await (const bucket of buckets(collection, from, Date.now())) {
        const docs = bucket.docs.filter((d) => (d.outboxAt?.getTime() ?? 0) >= from);
        // Events past the horizon are never published, so they are not waiting either.
        events.push(...eventsOf(docs).filter((e) => this.#horizon.current(e)));
      }
      const done = await this.#relayed.among(events.map((e) => e.id));
      for (const event of events.filter((e) => !done.has(e.id))) {
        count++;
        oldest = Math.min(oldest, Date.parse(event.time));
      }
    }
    return { count, oldestAgeMs: count === 0 ? 0 : Date.now() - oldest };
  }

  /** The kick path. It never waits for the poll, so a slow poll adds nothing to a write's latency. */
  async #relayKicks(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const writes = this.#writes;
      this.#writes = [];
      if (writes.length === 0) {
        await this.#idle((wake) => (this.#wakeKicks = wake));
        continue;
      }
      try {
        // Only this process's memory of what it relayed is consulted: these events were written a
        // moment ago, so only another replica's poll can have relayed them first, and then a
        // consumer dedupes the second copy by id.
        await this.#relayEvents(
          writes.flatMap((w) => w.events),
          (ids) => this.#relayed.remembered(ids),
        );
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

  /** Relays the documents after each cursor, oldest first; true when a batch was full. */
  async #relayForward(): Promise<boolean> {
    let more = false;
    for (const collection of this.#collections()) {
      const name = collection.collectionName;
      try {
        more = (await this.#relayForwardIn(collection)) || more;
      } finally {
        await this.#cursors.save(name);
      }
    }
    return more;
  }

  async #relayForwardIn(collection: Collection<OutboxDoc>): Promise<boolean> {
    const name = collection.collectionName;
    const batchSize = this.#options.batchSize ?? 100;
    let cursor = await this.#cursors.of(name);
    const now = Date.now();
    // A bucket ending before this holds every write it will ever hold.
    const settled = now - this.#lagMs;
    for await (const bucket of buckets(collection, cursor.at.getTime(), now)) {
      const waiting = bucket.docs.filter((d) => isAfter(d, cursor)).sort(byStamp);
      const batch = waiting.slice(0, batchSize);
      const elsewhere = await this.#relayEvents(eventsOf(batch));
      // The cursor stops before the first document holding an event the kick path is still
      // publishing: should that publish fail (a broker going down), the next scan must meet the
      // event again, and the look-back window is too short to be relied on for it.
      const stop = batch.findIndex((d) => (d.outbox ?? []).some((e) => elsewhere.has(e.id)));
      const done = stop === -1 ? batch : batch.slice(0, stop);
      if (done.length === waiting.length && bucket.end <= settled) {
        cursor = { at: new Date(bucket.end) };
        this.#cursors.advance(name, cursor);
        continue;
      }
      const last = done.at(-1);
      if (last?.outboxAt) this.#cursors.advance(name, { at: last.outboxAt, id: last._id });
      return batch.length === batchSize && done.length === batch.length;
    }
    return false;
  }

  /**
   * Rescans the last few seconds behind the cursor: a write stamped earlier than one already seen
   * can become visible later, and must not be skipped.
   */
  async #relayLookBack(): Promise<void> {
    for (const collection of this.#collections()) {
      const cursor = await this.#cursors.of(collection.collectionName);
      const to = cursor.at.getTime();
      const from = to - this.#lagMs;
      for await (const bucket of buckets(collection, from, to)) {
        const docs = bucket.docs.filter((d) => {
          const at = d.outboxAt?.getTime() ?? 0;
          return at >= from && at <= to;
        });
        await this.#relayEvents(eventsOf(docs));
      }
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
    const { mine, elsewhere } = this.#inFlight.take(
      current.filter((e) => !done.has(e.id) && !recent.has(e.id)),
    );
    const results = await Promise.allSettled(
      mine.map(async (event) => {
        try {
          const kept = await this.#publishOrKeep(event);
          // Marked (and remembered) before it leaves InFlight, so no gap lets the other path in.
          // A kept event is marked too: from now on UnroutableRetry alone publishes it.
          await this.#relayed.mark(event.id);
          if (!kept) this.#published++;
        } finally {
          this.#inFlight.release(event.id);
        }
      }),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return elsewhere;
  }

  /** The events young enough to relay; any past the horizon that never went out is reported. */
  async #withinHorizon(events: readonly PendingEvent[]): Promise<readonly PendingEvent[]> {
    const { current, stale } = this.#horizon.split(events);
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
}
