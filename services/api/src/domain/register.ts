import { createEvent } from '@herald/contracts';
import type { ApiPorts } from './ports.js';
import type { User } from './user.js';

export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly handle: string;
}

/** Creates the account and, in the same write, the `user.registered` event. */
export async function registerUser(input: Registration, ports: ApiPorts): Promise<User> {
  const user: User = {
    id: ports.newId(),
    email: input.email.toLowerCase(),
    name: input.name,
    handle: input.handle,
    passwordHash: await ports.passwords.hash(input.password),
    createdAt: ports.now(),
  };
  const event = createEvent(
    'user.registered',
    { userId: user.id, email: user.email, name: user.name, handle: user.handle },
    'api',
    { time: user.createdAt },
  );
  await ports.users.create(user, [event]);
  return user;
}
