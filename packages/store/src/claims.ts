import { hostname } from 'node:os';
import { Deferred, errorMessage, type Logger } from '@herald/bus';
import type { Collection, Db } from 'mongodb';
import { BatchedInserts } from './batched-inserts.js';
import { dayOf, pruneByDay } from './day-buckets.js';

/**
 * One run's hold on a key. Generation 0 has the key itself as `_id` and generation n has
 * `${key}#${n}` (keys end in a uuid, never in `#n`); a run takes over a claim whose lease is over
 * by inserting the next generation, never by updating the old one: two concurrent updates of one
 * document can both succeed on FerretDB, two inserts behind the unique `_id` cannot. Only the run
 * that inserted a claim writes it afterwards (renewals, release), so those updates never race.
 */
interface Claim {
  _id: string;
  /** host:pid of the process that claimed it, for whoever finds it held. */
  owner?: string;
  claimedAt: Date;
  /** The UTC day of `claimedAt`: what pruning deletes by (absent on claims older than it). */
  day?: string;
  /** Absent on claims written before leases existed: those count as over. */
  leaseUntil?: Date;
}

/** A run's claim, renewed while the run goes on. */
export interface Lease {
  /** The run is over and recorded: stop renewing; the lease then runs out by itself. */
  stop(): Promise<void>;
  /** The run failed: stop renewing and end the lease now, so its retry need not wait it out. */
  release(): Promise<void>;
}

const owner = `${hostname()}:${process.pid}`;

/** A Deferred comes back no sooner than this, so a claim about to end is not polled in a loop. */
const minDeferMs = 1_000;

/**
 * Claims that exclude concurrent runs of one key across processes. The first claim of a key is a
 * single insert (batched with its neighbours); only a key already claimed is read.
 */
export class Claims {
  readonly #collection: Collection<Claim>;
  readonly #inserts: BatchedInserts<Claim>;
  readonly #leaseMs: number;

  constructor(db: Db, leaseMs: number) {
    this.#collection = db.collection<Claim>('processed_event_claims');
    this.#inserts = new BatchedInserts(this.#collection);
    this.#leaseMs = leaseMs;
  }

  /**
   * Claims `key` for one run: resolves with its lease, or undefined once `done()` says the work
   * was completed. Throws Deferred while another run holds a live lease on it.
   */
  async acquire(
    key: string,
    done: () => Promise<boolean>,
    log: Logger,
  ): Promise<Lease | undefined> {
    for (let generation = 0; ; generation++) {
      const _id = generation === 0 ? key : `${key}#${generation}`;
      const claimedAt = new Date();
      const leaseUntil = new Date(claimedAt.getTime() + this.#leaseMs);
      if (
        await this.#inserts.insert({ _id, owner, claimedAt, day: dayOf(claimedAt), leaseUntil })
      ) {
        return new RenewedLease(this.#collection, _id, leaseUntil, this.#leaseMs, log);
      }
      // The claim before the record: a run records before its lease can end, so a claim read as
      // over and then no record is a run that failed or died, and the next generation may start.
      const held = await this.#collection.findOne({ _id });
      if (await done()) return undefined;
      const left = (held?.leaseUntil?.getTime() ?? 0) - Date.now();
      if (held?.leaseUntil && left > 0) {
        throw new Deferred(
          `${key} is being handled by ${held.owner ?? 'another run'} (lease until ${held.leaseUntil.toISOString()})`,
          Math.max(minDeferMs, left),
        );
      }
    }
  }

  /** Makes the collection before the first claim (see `ProcessedEvents.ensureIndexes`). */
  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ day: 1 });
  }

  /**
   * Forgets the claims whose lease ended before `before` (and older ones without a lease): a
   * live lease is never deleted, however long ago it was claimed.
   */
  async prune(before: Date): Promise<number> {
    return pruneByDay(this.#collection, { day: 'day', at: 'claimedAt' }, before, {
      leaseUntil: { $not: { $gte: before } },
    });
  }
}

/**
 * Renews every third of the lease while the run goes on, so a slow run keeps its claim while one
 * that died loses it within `leaseMs`. A renewal that cannot reach the store is tried again at the
 * next tick; once the lease has run out it stops, since another run may have taken over.
 */
class RenewedLease implements Lease {
  readonly #collection: Collection<Claim>;
  readonly #id: string;
  readonly #leaseMs: number;
  readonly #log: Logger;
  #until: number;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;
  #stopped = false;

  constructor(
    collection: Collection<Claim>,
    id: string,
    until: Date,
    leaseMs: number,
    log: Logger,
  ) {
    this.#collection = collection;
    this.#id = id;
    this.#until = until.getTime();
    this.#leaseMs = leaseMs;
    this.#log = log;
    this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#renewing = this.#renew();
    }, this.#leaseMs / 3);
    // The run's own work keeps the process alive; its lease timer alone need not.
    this.#timer.unref();
  }

  async #renew(): Promise<void> {
    const now = Date.now();
    if (now >= this.#until) {
      this.#log.warn({ claim: this.#id }, 'claim lease ran out; another delivery may run this too');
      return;
    }
    const until = now + this.#leaseMs;
    try {
      await this.#collection.updateOne(
        { _id: this.#id },
        { $set: { leaseUntil: new Date(until) } },
      );
      this.#until = until;
    } catch (error) {
      this.#log.warn({ claim: this.#id, err: errorMessage(error) }, 'claim lease renewal failed');
    }
    if (!this.#stopped) this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    // A renewal landing after a release would make the claim live again.
    await this.#renewing;
  }

  async release(): Promise<void> {
    await this.stop();
    try {
      await this.#collection.updateOne({ _id: this.#id }, { $set: { leaseUntil: new Date() } });
    } catch (error) {
      // The lease then runs out by itself within leaseMs.
      this.#log.warn({ claim: this.#id, err: errorMessage(error) }, 'claim release failed');
    }
  }
}
