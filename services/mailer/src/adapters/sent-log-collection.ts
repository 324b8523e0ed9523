import type { Collection, Db } from 'mongodb';
import { dayOf, isDuplicateKey, pruneByDay } from '@herald/store';
import type { SentMail } from '../domain/mail.js';
import type { SentLog } from '../domain/ports.js';

/** `day` is the UTC day of `sentAt`: what pruning deletes by. */
type SentMailDoc = Omit<SentMail, 'key'> & { _id: string; day?: string };

/** MongoDB adapter; `_id` is the (event, recipient) key, so the record is unique by construction. */
export class SentLogCollection implements SentLog {
  readonly #collection: Collection<SentMailDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<SentMailDoc>('sent_mail');
  }

  async has(key: string): Promise<boolean> {
    return (await this.#collection.countDocuments({ _id: key }, { limit: 1 })) > 0;
  }

  /**
   * Forgets the e-mails sent before `before`. The record only has to outlive a redelivery of their
   * event, which the processed-events record bounds the same way (`processedEventsKeptMs`).
   */
  async prune(before: Date): Promise<number> {
    // Made here, not at start: nothing else reads by day, and the first prune is an hour in.
    await this.#collection.createIndex({ day: 1 });
    return pruneByDay(this.#collection, { day: 'day', at: 'sentAt' }, before);
  }

  async record({ key, ...rest }: SentMail): Promise<void> {
    try {
      await this.#collection.insertOne({ _id: key, ...rest, day: dayOf(rest.sentAt) });
    } catch (error) {
      // A concurrent delivery of the same event recorded it first.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
