import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { Leadership, LeadershipTerm, Lease, LeaseStore } from '../domain/ports.js';

interface LeaseDoc {
  _id: string;
  holder: string;
  token: number;
  expiresAt: Date;
  /** When the holder took the lease; absent on a lease taken before this was recorded. */
  since?: Date;
}

interface TermDoc {
  /** `${lease}:${token}`: a token changes hands once, so one record per term. */
  _id: string;
  lease: string;
  holder: string;
  token: number;
  since: Date;
}

/**
 * The lease is one document; every change is a single conditional update on it, so taking,
 * renewing and releasing are atomic on MongoDB and FerretDB alike. Each change of hands is also
 * written to a log of terms, which is what the console shows as leadership changes.
 */
export class LeaseCollection implements LeaseStore {
  readonly #collection: Collection<LeaseDoc>;
  readonly #terms: Collection<TermDoc>;
  readonly #name: string;

  constructor(db: Db, name = 'scheduler') {
    this.#collection = db.collection<LeaseDoc>('leases');
    this.#terms = db.collection<TermDoc>('leadership_terms');
    this.#name = name;
  }

  async ensureIndexes(): Promise<void> {
    await this.#terms.createIndex({ lease: 1, token: -1 });
  }

  async acquire(holder: string, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const mine = await this.#collection.findOneAndUpdate(
      { _id: this.#name, holder, expiresAt: { $gt: now } },
      { $set: { expiresAt } },
      { returnDocument: 'after' },
    );
    // Re-recording the term here heals a log write that failed right after the lease was taken.
    if (mine) return this.#recorded(mine, now);
    const taken = await this.#collection.findOneAndUpdate(
      { _id: this.#name, expiresAt: { $lte: now } },
      { $set: { holder, expiresAt, since: now }, $inc: { token: 1 } },
      { returnDocument: 'after' },
    );
    if (taken) return this.#recorded(taken, now);
    const created: LeaseDoc = { _id: this.#name, holder, token: 1, expiresAt, since: now };
    try {
      await this.#collection.insertOne(created);
    } catch (error) {
      if (isDuplicateKey(error)) return undefined; // someone holds a live lease
      throw error;
    }
    return this.#recorded(created, now);
  }

  /** The lease as stored and the last `limit` terms, newest first. */
  async leadership(limit: number): Promise<Leadership> {
    const [doc, terms] = await Promise.all([
      this.#collection.findOne({ _id: this.#name }),
      this.#terms.find({ lease: this.#name }).sort({ token: -1 }).limit(limit).toArray(),
    ]);
    return {
      lease: doc ? { ...toLease(doc), since: doc.since ?? null } : undefined,
      terms: terms.map((t): LeadershipTerm => ({
        holder: t.holder,
        token: t.token,
        since: t.since,
      })),
    };
  }

  /** Drops terms that began before `before` (FerretDB has no TTL indexes). */
  async prune(before: Date): Promise<number> {
    const result = await this.#terms.deleteMany({ lease: this.#name, since: { $lt: before } });
    return result.deletedCount;
  }

  async #recorded(doc: LeaseDoc, now: Date): Promise<Lease> {
    const since = doc.since ?? now;
    await this.#terms.updateOne(
      { _id: `${this.#name}:${doc.token}` },
      {
        $setOnInsert: { lease: this.#name, holder: doc.holder, token: doc.token, since },
      },
      { upsert: true },
    );
    return toLease(doc);
  }

  async renew(lease: Lease, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const renewed = await this.#collection.findOneAndUpdate(
      { _id: this.#name, holder: lease.holder, token: lease.token, expiresAt: { $gt: now } },
      { $set: { expiresAt: new Date(now.getTime() + ttlMs) } },
      { returnDocument: 'after' },
    );
    return renewed ? toLease(renewed) : undefined;
  }

  async release(lease: Lease): Promise<void> {
    await this.#collection.updateOne(
      { _id: this.#name, holder: lease.holder, token: lease.token },
      { $set: { expiresAt: new Date(0) } },
    );
  }

  async current(): Promise<Lease | undefined> {
    const doc = await this.#collection.findOne({ _id: this.#name });
    return doc ? toLease(doc) : undefined;
  }
}

function toLease(doc: LeaseDoc): Lease {
  return { holder: doc.holder, token: doc.token, expiresAt: doc.expiresAt };
}
