import type { UserRegistered } from '@herald/contracts';

/** A valid `user.registered` payload; `n` makes it unique. */
export function aUserRegistered(n: number): UserRegistered {
  return {
    userId: `u-${n}`,
    email: `user${n}@example.test`,
    name: `User ${n}`,
    handle: `user${n}`,
  };
}
