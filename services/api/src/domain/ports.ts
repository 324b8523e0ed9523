import type { PendingEvent } from '@herald/store';
import type { User } from './user.js';

export interface UserStore {
  /** Stores the user and its events in one write; throws AppError(conflict) on a taken email or handle. */
  create(user: User, events: readonly PendingEvent[]): Promise<void>;
  byEmail(email: string): Promise<User | undefined>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export interface ApiPorts {
  readonly users: UserStore;
  readonly passwords: PasswordHasher;
  /** Tells the outbox relay that events are waiting, so they leave now rather than at the next poll. */
  readonly eventsWritten: () => void;
  readonly now: () => Date;
  readonly newId: () => string;
}
