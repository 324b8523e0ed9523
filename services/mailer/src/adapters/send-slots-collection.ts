import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { SendSlots } from '../domain/send-gate.js';

interface SendSlotDoc {
  /** `<epoch second>:<n>`, n below the rate: the unique key is what makes the budget shared. */
  _id: string;
  second: number;
}

/**
 * The installation's send budget in the store, shared by every mailer replica: a send takes one of
 * the `ratePerSecond` slots of its second by inserting it. An insert behind a unique key is the one
 * write FerretDB never loses to a concurrent one (a counter updated with `$inc` would be).
 */
export class SendSlotsCollection implements SendSlots {
  static readonly collectionName = 'send_slots';
  readonly #collection: Collection<SendSlotDoc>;
  readonly #rate: number;
  /** The first slot of the current second that this replica has not seen taken. */
  #hint = { second: -1, next: 0 };

  constructor(db: Db, ratePerSecond: number) {
    this.#collection = db.collection<SendSlotDoc>(SendSlotsCollection.collectionName);
    this.#rate = ratePerSecond;
  }

  async claim(second: number): Promise<boolean> {
    if (this.#hint.second !== second) this.#hint = { second, next: 0 };
    while (this.#hint.next < this.#rate) {
      const n = this.#hint.next++;
      try {
        await this.#collection.insertOne({ _id: `${second}:${n}`, second });
        return true;
      } catch (error) {
        // Another replica took this slot: try the next one.
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return false;
  }

  /**
   * Forgets the slots of seconds before `before`. Pruned every minute, the collection holds about
   * two minutes of slots (at most 120 × the rate), so this range filter reads a small collection.
   */
  async prune(before: Date): Promise<number> {
    const second = Math.floor(before.getTime() / 1_000);
    return (await this.#collection.deleteMany({ second: { $lt: second } })).deletedCount;
  }
}
