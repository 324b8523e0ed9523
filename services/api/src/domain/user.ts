/** An account as the API stores it. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly handle: string;
  readonly passwordHash: string;
  readonly createdAt: Date;
  /** When the owner proved the address (verification or password-reset link); unset until then. */
  readonly emailVerifiedAt?: Date | undefined;
}

/** What a client may see of a user. */
export function publicUser(user: User) {
  return { id: user.id, email: user.email, name: user.name, handle: user.handle };
}

/** A user as events carry them (a contracts Recipient with the handle). */
export interface Person {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly handle: string;
}

export function personOf(user: User): Person {
  return { userId: user.id, email: user.email, name: user.name, handle: user.handle };
}
