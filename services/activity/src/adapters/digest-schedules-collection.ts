import type { Collection, Db } from 'mongodb';
import { defaultDigestAt, type DigestAt } from '@herald/contracts';
import { isDuplicateKey } from '@herald/store';
import { scheduleKey } from '../domain/digest-schedule.js';
import type { DigestScheduleStore } from '../domain/ports.js';

interface ScheduleDoc {
  /** The user id. */
  _id: string;
  hour: number;
  timeZone: string;
  /** `scheduleKey`: what an hourly slot looks users up by, with one equality per time zone. */
  key: string;
  /** The preferences version it came from; 0 for the default. */
  version: number;
}

/** A small set: one document per time zone any schedule uses. */
interface ZoneDoc {
  _id: string;
}

/** Conditional updates that lost a race with another writer of the same user are tried again. */
const maxRecordAttempts = 5;

/** MongoDB adapter for when each user's digest is due. */
export class DigestSchedulesCollection implements DigestScheduleStore {
  readonly #schedules: Collection<ScheduleDoc>;
  readonly #zones: Collection<ZoneDoc>;

  constructor(db: Db) {
    this.#schedules = db.collection<ScheduleDoc>('digest_schedules');
    this.#zones = db.collection<ZoneDoc>('digest_zones');
  }

  async ensureIndexes(): Promise<void> {
    await this.#schedules.createIndex({ key: 1 });
  }

  async ensure(userId: string): Promise<void> {
    await this.#insert({ _id: userId, ...fields(defaultDigestAt), version: 0 });
  }

  /**
   * The store can lose one of two concurrent updates of a document, so the write is checked by
   * reading it back: a lower version found means it was lost, and it is written again.
   */
  async record(userId: string, at: DigestAt, version: number): Promise<void> {
    if (await this.#insert({ _id: userId, ...fields(at), version })) return;
    await this.#zone(at.timeZone);
    for (let attempt = 1; attempt <= maxRecordAttempts; attempt++) {
      await this.#schedules.updateOne(
        { _id: userId, version: { $lt: version } },
        { $set: { ...fields(at), version } },
      );
      const stored = await this.#schedules.findOne({ _id: userId });
      if (!stored || stored.version >= version) return;
    }
    throw new Error(`the digest schedule of ${userId} kept losing concurrent writes`);
  }

  async zones(): Promise<string[]> {
    return (await this.#zones.find({}).toArray()).map((z) => z._id);
  }

  async *due(key: string): AsyncIterable<string> {
    for await (const doc of this.#schedules.find({ key }, { projection: { _id: 1 } })) {
      yield doc._id;
    }
  }

  /** Inserts unless the user has a schedule already; true when it did. */
  async #insert(doc: ScheduleDoc): Promise<boolean> {
    await this.#zone(doc.timeZone);
    try {
      await this.#schedules.insertOne(doc);
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }

  async #zone(timeZone: string): Promise<void> {
    try {
      await this.#zones.insertOne({ _id: timeZone });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}

function fields(at: DigestAt) {
  return { hour: at.hour, timeZone: at.timeZone, key: scheduleKey(at) };
}
