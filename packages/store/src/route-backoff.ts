/** Where the broker returned an event: every event with this exchange and routing key goes the same way. */
export interface Route {
  readonly exchange: string;
  readonly routingKey: string;
}

export interface RouteBackoffOptions {
  /** Wait before the first retry of a route. */
  readonly initialMs: number;
  /** The longest wait between two retries; the delay doubles up to it. */
  readonly maxMs: number;
  /** A route still returned is reported at most once per this. */
  readonly reportEveryMs: number;
  /** How long a route whose consumers' queues are only partly there waits for the rest. */
  readonly settleMs: number;
}

/** What to log about a route: how many of its publishes came back since the last report. */
export interface RouteReport {
  readonly route: Route;
  readonly returned: number;
}

interface RouteState {
  readonly route: Route;
  /** Retries that came back since the route was first returned. */
  failures: number;
  nextAt: number;
  returnedSinceReport: number;
  reportedAt: number | undefined;
  /** Since when some, not all, of the route's consumers' queues exist. */
  partialSince: number | undefined;
}

/**
 * When to try again the events that no queue received, per route rather than per event: routing
 * depends only on exchange and routing key, so one publish tells whether all the events waiting
 * on a route can go, and a thousand waiting events cost one retry per interval. The delay doubles
 * from `initialMs` up to `maxMs` while the route keeps coming back; any publish that goes through
 * on its routing key makes it due at once. Reports are throttled the same way: the first return of
 * a route at once, then at most one per `reportEveryMs`, so the log names a route once per
 * interval, not once per message. Pure: the caller passes the time.
 */
export class RouteBackoff {
  readonly #options: RouteBackoffOptions;
  readonly #routes = new Map<string, RouteState>();

  constructor(options: RouteBackoffOptions) {
    this.#options = options;
  }

  /** The routes events are waiting on. */
  get routes(): Route[] {
    return [...this.#routes.values()].map((s) => s.route);
  }

  /**
   * A publish on `route` came back. A route seen for the first time is retried after `initialMs`;
   * one being retried keeps its schedule (new events on it must not push its retry back).
   */
  returned(route: Route, now: number): void {
    const state = this.#state(route, now);
    state.returnedSinceReport++;
  }

  /** Events wait on `route` (found in the store, e.g. adopted from a dead relay): retry it soon. */
  waiting(route: Route, now: number): void {
    this.#state(route, now);
  }

  /** A retry on `route` came back (`returned`) or failed otherwise: back off further. */
  retryFailed(route: Route, now: number, returned: boolean): void {
    const state = this.#state(route, now);
    state.failures++;
    const { initialMs, maxMs } = this.#options;
    state.nextAt = now + Math.min(maxMs, initialMs * 2 ** state.failures);
    if (returned) state.returnedSinceReport++;
  }

  /**
   * Whether a due route may go now, given how many of the queues its consumers declare (the
   * contract names them) exist. All: go. None: back off as after a return. Some: the consumers
   * are starting, a little apart, and one that declares its queue after the events went out
   * would never get them; so wait for the rest, looking again after `initialMs`, but no longer
   * than `settleMs` after the first was seen, then go to those that are there.
   */
  ready(route: Route, existing: number, expected: number, now: number): boolean {
    const state = this.#state(route, now);
    if (existing >= expected) {
      state.partialSince = undefined;
      return true;
    }
    if (existing === 0) {
      state.partialSince = undefined;
      this.retryFailed(route, now, false);
      return false;
    }
    state.partialSince ??= now;
    const { initialMs, settleMs } = this.#options;
    if (now - state.partialSince >= settleMs) return true;
    state.nextAt = Math.min(now + initialMs, state.partialSince + settleMs);
    return false;
  }

  /** Nothing waits on `route` any more: forget it. */
  cleared(route: Route): void {
    this.#routes.delete(routeKey(route));
  }

  /** A publish with this routing key went through: its routes are worth a retry now. */
  routedKey(routingKey: string, now: number): void {
    for (const state of this.#routes.values()) {
      if (state.route.routingKey === routingKey) state.nextAt = Math.min(state.nextAt, now);
    }
  }

  /** The routes whose retry is due at `now`. */
  due(now: number): Route[] {
    return [...this.#routes.values()].filter((s) => s.nextAt <= now).map((s) => s.route);
  }

  /** When the next retry is due, if any route waits. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const { nextAt } of this.#routes.values()) next = Math.min(next ?? nextAt, nextAt);
    return next;
  }

  /** The routes to report at `now`; each one's count starts again from zero. */
  reports(now: number): RouteReport[] {
    const due: RouteReport[] = [];
    for (const state of this.#routes.values()) {
      if (state.returnedSinceReport === 0) continue;
      if (state.reportedAt !== undefined && now - state.reportedAt < this.#options.reportEveryMs)
        continue;
      due.push({ route: state.route, returned: state.returnedSinceReport });
      state.returnedSinceReport = 0;
      state.reportedAt = now;
    }
    return due;
  }

  #state(route: Route, now: number): RouteState {
    const key = routeKey(route);
    let state = this.#routes.get(key);
    if (!state) {
      state = {
        route,
        failures: 0,
        nextAt: now + this.#options.initialMs,
        returnedSinceReport: 0,
        reportedAt: undefined,
        partialSince: undefined,
      };
      this.#routes.set(key, state);
    }
    return state;
  }
}

/** One string per route, for maps. */
export function routeKey(route: Route): string {
  return `${route.exchange}\n${route.routingKey}`;
}
