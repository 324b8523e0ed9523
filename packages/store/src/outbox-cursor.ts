import type { Collection, Db } from 'mongodb';
import { hourMs, minuteMs, type PendingEvent, type WithOutbox } from './outbox-fields.js';

/** A document of an outbox collection as the relay reads it. */
export type OutboxDoc = WithOutbox & { _id: string };

/**
 * A position in a collection's (outboxAt, _id) order: every document up to it was relayed. With
 * no `id`, every document stamped before `at` (none at `at` itself).
 */
export interface Cursor {
  readonly at: Date;
  readonly id?: string;
}

/** Whether `doc` comes after `cursor`. */
export function isAfter(doc: OutboxDoc, cursor: Cursor): boolean {
  const at = doc.outboxAt?.getTime() ?? 0;
  const from = cursor.at.getTime();
  if (cursor.id === undefined) return at >= from;
  return at > from || (at === from && doc._id > cursor.id);
}

/** (outboxAt, _id) order. */
export function byStamp(a: OutboxDoc, b: OutboxDoc): number {
  const at = (a.outboxAt?.getTime() ?? 0) - (b.outboxAt?.getTime() ?? 0);
  return at !== 0 ? at : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

/** Where the relay's cursors are kept across restarts (`outbox_watermarks`). */
export interface Watermarks {
  load(name: string): Promise<Date | undefined>;
  /** Moves the watermark forward to `at` (never back: replicas may race on it). */
  save(name: string, at: Date): Promise<void>;
}

export class MongoWatermarks implements Watermarks {
  readonly #collection: Collection<{ _id: string; watermark: Date }>;

  constructor(db: Db) {
    this.#collection = db.collection('outbox_watermarks');
  }

  async load(name: string): Promise<Date | undefined> {
    return (await this.#collection.findOne({ _id: name }))?.watermark;
  }

  async save(name: string, at: Date): Promise<void> {
    // Only relays write this document; replicas racing on it at worst rescan a little.
    await this.#collection.updateOne({ _id: name }, { $max: { watermark: at } }, { upsert: true });
  }
}

/** With no watermark, the first scan looks back a week: any outage the broker plausibly had. */
const firstLookBackMs = 7 * 24 * hourMs;

/**
 * Each collection's forward-scan cursor: in memory while the relay runs, its `at` saved as the
 * collection's watermark (a restart rescans from there; relayed marks skip what went out).
 */
export class OutboxCursors {
  readonly #watermarks: Watermarks;
  readonly #now: () => number;
  readonly #cursors = new Map<string, Cursor>();
  readonly #saved = new Map<string, number>();

  constructor(watermarks: Watermarks, now: () => number = Date.now) {
    this.#watermarks = watermarks;
    this.#now = now;
  }

  /** Where the forward scan of `name` resumes. */
  async of(name: string): Promise<Cursor> {
    const known = this.#cursors.get(name);
    if (known) return known;
    const watermark = await this.#watermarks.load(name);
    const cursor = { at: watermark ?? new Date(this.#now() - firstLookBackMs) };
    this.#cursors.set(name, cursor);
    if (watermark) this.#saved.set(name, watermark.getTime());
    return cursor;
  }

  /** Everything up to `cursor` is relayed (kept in memory until `save`). */
  advance(name: string, cursor: Cursor): void {
    this.#cursors.set(name, cursor);
  }

  /** Stores the cursor of `name` as its watermark, if it moved since last stored. */
  async save(name: string): Promise<void> {
    const cursor = this.#cursors.get(name);
    if (!cursor || this.#saved.get(name) === cursor.at.getTime()) return;
    await this.#watermarks.save(name, cursor.at);
    this.#saved.set(name, cursor.at.getTime());
  }
}

/** One read of the bucket walk: a minute bucket, or an hour known to hold nothing. */
export type BucketRead =
  | { readonly kind: 'minute'; readonly minute: number }
  | { readonly kind: 'hour'; readonly hour: number };

/**
 * What to read next when at `minute`, walking to `last`: an hour that starts here and ends before
 * `last` is first probed whole (a walk back a week is 168 probes, not 10,080 minute reads).
 */
export function nextRead(minute: number, last: number): BucketRead {
  const perHour = hourMs / minuteMs;
  return minute % perHour === 0 && minute + perHour <= last
    ? { kind: 'hour', hour: minute / perHour }
    : { kind: 'minute', minute };
}

/** The documents of one stretch of the walk; all stamped before `end`. */
export interface Bucket {
  readonly end: number;
  readonly docs: OutboxDoc[];
}

const projection = { outbox: 1, outboxAt: 1 } as const;

/**
 * The documents stamped from `from` to `to` (whole buckets: callers filter the edges), oldest
 * bucket first, each read by equality on its bucket so no read filters the collection by a range.
 */
export async function* buckets(
  collection: Collection<OutboxDoc>,
  from: number,
  to: number,
): AsyncGenerator<Bucket> {
  const last = Math.floor(to / minuteMs);
  for (let minute = Math.floor(from / minuteMs); minute <= last;) {
    const read = nextRead(minute, last);
    if (read.kind === 'hour') {
      const any = await collection.findOne({ outboxHour: read.hour }, { projection: { _id: 1 } });
      if (!any) {
        minute += hourMs / minuteMs;
        yield { end: minute * minuteMs, docs: [] };
        continue;
      }
    }
    const docs = await collection.find({ outboxMinute: minute }, { projection }).toArray();
    minute++;
    yield { end: minute * minuteMs, docs };
  }
}

/** The events of `docs`. */
export function eventsOf(docs: readonly OutboxDoc[]): PendingEvent[] {
  return docs.flatMap((d) => d.outbox ?? []);
}
