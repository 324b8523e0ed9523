import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { Lease, LeaseStore } from '../domain/ports.js';

interface LeaseDoc {
  _id: string;
  holder: string;
  token: number;
  expiresAt: Date;
}

/**
 * The lease is one document; every change is a single conditional update on it, so taking,
 * renewing and releasing are atomic on MongoDB and FerretDB alike.
 */
export class LeaseCollection implements LeaseStore {
  readonly #collection: Collection<LeaseDoc>;
  readonly #name: string;

  constructor(db: Db, name = 'scheduler') {
    this.#collection = db.collection<LeaseDoc>('leases');
    this.#name = name;
  }

  async acquire(holder: string, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const mine = await this.#collection.findOneAndUpdate(
      { _id: this.#name, holder, expiresAt: { $gt: now } },
      { $set: { expiresAt } },
      { returnDocument: 'after' },
    );
    if (mine) return toLease(mine);
    const taken = await this.#collection.findOneAndUpdate(
      { _id: this.#name, expiresAt: { $lte: now } },
      { $set: { holder, expiresAt }, $inc: { token: 1 } },
      { returnDocument: 'after' },
    );
    if (taken) return toLease(taken);
    try {
      await this.#collection.insertOne({ _id: this.#name, holder, token: 1, expiresAt });
      return { holder, token: 1, expiresAt };
    } catch (error) {
      if (isDuplicateKey(error)) return undefined; // someone holds a live lease
      throw error;
    }
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
