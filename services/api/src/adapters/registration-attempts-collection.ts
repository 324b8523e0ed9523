import {
  type EventCollection,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
} from '@herald/store';
import type { RegistrationAttemptStore } from '../domain/ports.js';

type AttemptDoc = { _id: string; userId: string; at: Date } & WithOutbox;

/** One document per attempt, inserted with its event: nothing updates the owner's document. */
export class RegistrationAttemptsCollection implements RegistrationAttemptStore {
  static readonly collectionName = 'registration_attempts';
  readonly #writes: EventCollection<AttemptDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<AttemptDoc>(RegistrationAttemptsCollection.collectionName);
  }

  async record(
    attempt: { readonly id: string; readonly userId: string; readonly at: Date },
    events: readonly PendingEvent[],
  ): Promise<void> {
    const { id, userId, at } = attempt;
    await this.#writes.insertWithEvents({ _id: id, userId, at }, events);
  }
}
