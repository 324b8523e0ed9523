import type { Db } from 'mongodb';
import { PublishUnroutable, errorMessage, sleep, type Logger } from '@herald/bus';
import type { PendingEvent } from './outbox-fields.js';
import { RelayPresence } from './relay-presence.js';
import { RouteBackoff, routeKey, type Route } from './route-backoff.js';
import { UnroutableEvents, type UnroutableEvent } from './unroutable-events.js';

export interface UnroutableRetryOptions {
  /** First wait before an event that came back is published again (1 s). */
  readonly initialMs?: number;
  /** Longest wait between two tries of a route still returned (15 s). */
  readonly maxMs?: number;
  /** A route still returned is logged at most once per this (60 s). */
  readonly reportEveryMs?: number;
  /** How often a relay records that it is alive (5 s). */
  readonly beatEveryMs?: number;
  /** A relay not seen for this long is dead: another adopts its waiting events (30 s). */
  readonly staleAfterMs?: number;
  /** How long events wait for the rest of their consumers' queues once some exist (60 s). */
  readonly settleMs?: number;
}

/**
 * The queues the contract says receive a route, and which of them exist now. With it, waiting
 * events go out once all their consumers' queues are there (see RouteBackoff.ready), not as soon
 * as the first consumer declared its own.
 */
export interface ConsumerQueues {
  /** The route an event type is published on (exchange by the contract, routing key = type). */
  routeOf(type: string): Route;
  queuesFor(route: Route): readonly string[];
  existing(queues: readonly string[]): Promise<ReadonlySet<string>>;
  /** The broker connection `existing` looks through; a new one must be looked through again. */
  connection(): object | undefined;
}

interface Ports {
  readonly db: Db;
  /** This relay process (new on every start). */
  readonly id: string;
  readonly publish: (event: PendingEvent) => Promise<void>;
  /** Events stamped before this are never published (the relay's horizon). */
  readonly horizon: () => number;
  readonly logger: Logger;
  /** Called once per event the broker returned, when it starts to wait. */
  readonly onReturned?: (route: Route) => void;
  readonly consumers?: ConsumerQueues;
}

/** How many waiting events go out at once when their route has a queue again. */
const releaseBatch = 200;

/**
 * The outbox's answer to an event no queue received (the broker returned it): it waits in
 * `outbox_unroutable` instead of blocking the relay, and is published again, with backoff per
 * route, until a queue takes it. Only its owner (the relay that saw it come back) publishes it, so
 * two replicas never both send it once a queue is bound; a relay that dies leaves its events to
 * the live relay with the lowest id, which adopts them once the dead one's presence is stale.
 */
export class UnroutableRetry {
  readonly #ports: Ports;
  readonly #events: UnroutableEvents;
  readonly #presence: RelayPresence;
  readonly #backoff: RouteBackoff;
  /** How long the loop pauses after a round that failed (the store or broker is away). */
  readonly #pauseMs: number;
  /** Events waiting per route, as last read or since kept, for the log. */
  readonly #waiting = new Map<string, number>();
  #wake: (() => void) | undefined;
  /** Set when the store may hold events of this relay its memory does not know (adopted). */
  #reload = false;
  /** Routes looked at on the connection `#seenOn` (with all their queues, or let through). */
  readonly #seen = new Set<string>();
  #seenOn: object | undefined;
  /** Routes once seen with every queue the contract names: this installation runs them all. */
  readonly #complete = new Set<string>();

  constructor(ports: Ports, options: UnroutableRetryOptions = {}) {
    this.#ports = ports;
    this.#events = new UnroutableEvents(ports.db);
    this.#presence = new RelayPresence(ports.db, ports.id, {
      beatEveryMs: options.beatEveryMs ?? 5_000,
      staleAfterMs: options.staleAfterMs ?? 30_000,
    });
    this.#pauseMs = options.initialMs ?? 1_000;
    this.#backoff = new RouteBackoff({
      initialMs: this.#pauseMs,
      maxMs: options.maxMs ?? 15_000,
      reportEveryMs: options.reportEveryMs ?? 60_000,
      settleMs: options.settleMs ?? 60_000,
    });
  }

  /**
   * Keeps an event the broker returned until a queue takes it. Resolves once it is stored: the
   * relay may then treat it as handled and move on.
   */
  async keep(event: PendingEvent, returned: PublishUnroutable): Promise<void> {
    const now = Date.now();
    // The owner must be seen alive before its event exists, or another relay would adopt it.
    if (!this.#presence.trusted(now)) await this.#presence.beat(new Date(now));
    const route = { exchange: returned.exchange, routingKey: returned.routingKey };
    this.#seen.delete(routeKey(route));
    if (!(await this.#events.keep(event, route, this.#ports.id, new Date(now)))) return;
    this.#ports.onReturned?.(route);
    this.#backoff.returned(route, now);
    this.#waiting.set(routeKey(route), (this.#waiting.get(routeKey(route)) ?? 0) + 1);
    this.#wake?.();
  }

  /**
   * Keeps `event` back, as if the broker had returned it, when its route may not reach every
   * consumer: after a reconnect (or a broker rebuilt empty), a route once seen with every queue
   * the contract names waits until they are all there again, since the first consumer to declare
   * its queue would otherwise take the event alone and the others never see it; and events of a
   * route that already waits wait behind them. A route never seen whole (a consumer this
   * installation does not run) is not held. Costs one look at the broker per route per connection.
   */
  async held(event: PendingEvent): Promise<boolean> {
    const { consumers } = this.#ports;
    if (!consumers) return false;
    const connection = consumers.connection();
    if (connection !== this.#seenOn) {
      this.#seen.clear();
      this.#seenOn = connection;
    }
    const route = consumers.routeOf(event.type);
    const key = routeKey(route);
    if (!this.#waiting.has(key)) {
      if (this.#seen.has(key)) return false;
      const expected = consumers.queuesFor(route);
      const existing = expected.length === 0 ? new Set() : await consumers.existing(expected);
      const whole = existing.size === expected.length;
      if (whole) this.#complete.add(key);
      if (whole || !this.#complete.has(key)) {
        this.#seen.add(key);
        return false;
      }
    }
    await this.keep(event, new PublishUnroutable(route.exchange, route.routingKey));
    return true;
  }

  /** An event of this type just went through: the ones waiting on its routing key may go now. */
  routed(routingKey: string): void {
    if (this.#waiting.size === 0) return;
    this.#backoff.routedKey(routingKey, Date.now());
    this.#wake?.();
  }

  /** How many events wait, and the time of the oldest. */
  summary(): Promise<{ count: number; oldest: number | undefined }> {
    return this.#events.summary();
  }

  /** Records presence, adopts, retries and reports until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { beatEveryMs } = this.#presence.options;
    let beatAt = 0;
    while (!signal.aborted) {
      const now = Date.now();
      let pauseUntil = 0;
      try {
        if (now >= beatAt) {
          beatAt = now + beatEveryMs;
          await this.#beatAndAdopt(new Date(now));
        }
        // A relay the others may already take for dead leaves its events alone.
        if (this.#presence.trusted(now) && (this.#reload || this.#backoff.due(now).length > 0)) {
          this.#reload = false;
          await this.#retry(now);
        }
      } catch (error) {
        this.#ports.logger.warn(
          { err: errorMessage(error) },
          'events waiting for a queue not retried; will try again',
        );
        pauseUntil = Date.now() + this.#pauseMs;
      }
      this.#report(Date.now());
      const next = Math.max(pauseUntil, Math.min(beatAt, this.#backoff.nextDueAt() ?? Infinity));
      await this.#idle(signal, next - Date.now());
    }
  }

  async #idle(signal: AbortSignal, ms: number): Promise<void> {
    if (signal.aborted || ms <= 0) return;
    const woken = new AbortController();
    this.#wake = () => woken.abort();
    await sleep(ms, AbortSignal.any([signal, woken.signal]));
    this.#wake = undefined;
  }

  /** Says this relay is alive; the live relay with the lowest id adopts the events of dead ones. */
  async #beatAndAdopt(now: Date): Promise<void> {
    await this.#presence.beat(now);
    const live = await this.#presence.live(now);
    if (live.sort()[0] !== this.#ports.id) return;
    const adopted = await this.#events.adopt(live, this.#ports.id);
    if (adopted === 0) return;
    this.#ports.logger.info({ adopted }, 'adopted events waiting for a queue from a stopped relay');
    this.#reload = true;
  }

  /** Reads this relay's waiting events and tries each due route with one of them. */
  async #retry(now: number): Promise<void> {
    const horizon = this.#ports.horizon();
    const routes = new Map<string, UnroutableEvent[]>();
    for (const doc of await this.#events.ownedBy(this.#ports.id)) {
      if (Date.parse(doc.event.time) < horizon) {
        this.#ports.logger.error(
          { eventId: doc._id, type: doc.event.type, exchange: doc.exchange },
          'event waited for a queue past the relay horizon; not publishing it',
        );
        await this.#events.release([doc._id]);
        continue;
      }
      const key = routeKey(doc);
      const route = routes.get(key);
      if (route) route.push(doc);
      else routes.set(key, [doc]);
    }
    for (const route of this.#backoff.routes) {
      if (!routes.has(routeKey(route))) this.#forget(route);
    }
    this.#waiting.clear();
    for (const [key, docs] of routes) {
      this.#waiting.set(key, docs.length);
      const { exchange, routingKey } = docs[0]!;
      this.#backoff.waiting({ exchange, routingKey }, now);
    }
    const due = new Set(this.#backoff.due(now).map(routeKey));
    for (const [key, docs] of routes) if (due.has(key)) await this.#retryRoute(docs);
  }

  /**
   * Publishes the oldest event of a route; if a queue took it, the rest follow in batches. Each
   * leaves the store once confirmed, so a crash sends again only what was not yet released.
   */
  async #retryRoute(docs: readonly UnroutableEvent[]): Promise<void> {
    const route = { exchange: docs[0]!.exchange, routingKey: docs[0]!.routingKey };
    if (!(await this.#consumersReady(route))) return;
    let sent = 0;
    for (let start = 0; start < docs.length;) {
      // The first try is a single event: one publish tells whether the route has a queue now.
      const batch = docs.slice(start, start === 0 ? 1 : start + releaseBatch);
      start += batch.length;
      const results = await Promise.allSettled(batch.map((d) => this.#ports.publish(d.event)));
      const released = batch.filter((_, i) => results[i]!.status === 'fulfilled');
      if (released.length > 0) await this.#events.release(released.map((d) => d._id));
      sent += released.length;
      const failure = results.find((r) => r.status === 'rejected');
      if (failure) {
        const returned = failure.reason instanceof PublishUnroutable;
        if (!returned) {
          this.#ports.logger.warn(
            { err: errorMessage(failure.reason), ...route },
            'could not publish events waiting for a queue; will try again',
          );
        }
        this.#backoff.retryFailed(route, Date.now(), returned);
        this.#waiting.set(routeKey(route), docs.length - sent);
        return;
      }
    }
    this.#forget(route);
    // Released to all its queues, or to those there after the settle time: new events go straight.
    if (this.#ports.consumers?.connection() === this.#seenOn) this.#seen.add(routeKey(route));
    this.#ports.logger.info(
      { ...route, relayed: sent },
      'a queue is bound again: relayed the events that waited for it',
    );
  }

  /** Whether the queues the contract names for `route` are there (true when it names none). */
  async #consumersReady(route: Route): Promise<boolean> {
    const { consumers } = this.#ports;
    const expected = consumers?.queuesFor(route) ?? [];
    if (!consumers || expected.length === 0) return true;
    let existing: ReadonlySet<string>;
    try {
      existing = await consumers.existing(expected);
    } catch (error) {
      this.#ports.logger.warn(
        { err: errorMessage(error), ...route },
        'could not look for the queues of waiting events; will try again',
      );
      this.#backoff.retryFailed(route, Date.now(), false);
      return false;
    }
    return this.#backoff.ready(route, existing.size, expected.length, Date.now());
  }

  #forget(route: Route): void {
    this.#backoff.cleared(route);
    this.#waiting.delete(routeKey(route));
  }

  #report(now: number): void {
    for (const { route, returned } of this.#backoff.reports(now)) {
      this.#ports.logger.warn(
        { ...route, returned, waiting: this.#waiting.get(routeKey(route)) ?? 0 },
        'the broker returned events: no queue is bound to their routing key; they wait in the outbox and are retried',
      );
    }
  }
}
