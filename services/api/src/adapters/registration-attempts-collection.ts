import type { Collection, Db } from 'mongodb';
import {
  type EventsWritten,
  outboxFields,
  outboxWrite,
  type PendingEvent,
  type WithOutbox,
} from '@herald/store';
import type { RegistrationAttemptStore } from '../domain/ports.js';

type AttemptDoc = { _id: string; userId: string; at: Date } & WithOutbox;

/** One document per attempt, inserted with its event: nothing updates the owner's document. */
export class RegistrationAttemptsCollection implements RegistrationAttemptStore {
  static readonly collectionName = 'registration_attempts';
  readonly #collection: Collection<AttemptDoc>;
  readonly #written: EventsWritten;

  constructor(db: Db, written: EventsWritten) {
    this.#collection = db.collection<AttemptDoc>(RegistrationAttemptsCollection.collectionName);
    this.#written = written;
  }

  async record(
    attempt: { readonly id: string; readonly userId: string; readonly at: Date },
    events: readonly PendingEvent[],
  ): Promise<void> {
    const { id, userId, at } = attempt;
    await this.#collection.insertOne({ _id: id, userId, at, ...outboxFields(events) });
    this.#written(outboxWrite(RegistrationAttemptsCollection.collectionName, id, events));
  }
}
