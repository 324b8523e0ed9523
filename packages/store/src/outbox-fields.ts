import { context, propagation } from '@opentelemetry/api';
import type { UpdateFilter } from 'mongodb';
import type { AnyEvent } from '@herald/contracts';

/** An event waiting in its aggregate's document, with the trace context of the write that made it. */
export type PendingEvent = AnyEvent & { readonly headers?: Record<string, string> };

/**
 * The outbox lives inside the document the write changes (`outbox` array, newest `outboxAt`), so
 * the write and its events commit in one single-document operation — atomic on MongoDB and on
 * FerretDB alike, with no multi-document transaction needed. `outboxMinute` and `outboxHour`
 * bucket `outboxAt` so the relay's poll reads by equality (FerretDB pushes down nothing else).
 */
export interface WithOutbox {
  outbox?: PendingEvent[];
  outboxAt?: Date;
  /** Minutes since the epoch of `outboxAt`. */
  outboxMinute?: number;
  /** Hours since the epoch of `outboxAt`. */
  outboxHour?: number;
}

/** How many events a document keeps; older ones have long been relayed. */
const keptPerDocument = 200;

export const minuteMs = 60_000;
export const hourMs = 60 * minuteMs;

/** The stamp and its buckets for a write at `at`. */
function stamp(at: Date): Required<Pick<WithOutbox, 'outboxAt' | 'outboxMinute' | 'outboxHour'>> {
  const ms = at.getTime();
  return {
    outboxAt: at,
    outboxMinute: Math.floor(ms / minuteMs),
    outboxHour: Math.floor(ms / hourMs),
  };
}

/**
 * Stores the trace context of the write with each event, so the relay's publish (maybe seconds
 * later, maybe in another process after a crash) continues the request's trace.
 */
export function withTraceContext(event: PendingEvent): PendingEvent {
  const headers: Record<string, string> = { ...event.headers };
  propagation.inject(context.active(), headers);
  return Object.keys(headers).length > 0 ? { ...event, headers } : event;
}

/** The fields to add to an inserted document whose write happens at `at`. */
export function outboxFields(events: readonly PendingEvent[], at = new Date()): WithOutbox {
  return { outbox: events.map(withTraceContext), ...stamp(at) };
}

/** The update operators that append events to an existing document (no `$set`, so they merge). */
export function pushToOutbox<T extends WithOutbox>(
  events: readonly PendingEvent[],
): UpdateFilter<T> {
  return {
    $push: { outbox: { $each: events.map(withTraceContext), $slice: -keptPerDocument } },
    // $max on all three, so the buckets stay those of the stamp kept.
    $max: stamp(new Date()),
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

/** Called once a write that added events has committed. */
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

/** Find options that leave the outbox out of a document read for the domain. */
export const withoutOutbox = {
  projection: { outbox: 0, outboxAt: 0, outboxMinute: 0, outboxHour: 0 },
} as const;
