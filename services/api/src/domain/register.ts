import { createEvent } from '@herald/contracts';
import { newLinkToken } from './link-token.js';
import type { ApiPorts } from './ports.js';
import { personOf, type User } from './user.js';

export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly handle: string;
}

/**
 * Creates the account with `user.registered`, then its verification token with
 * `user.email-verification-requested`. An address that has an account already gets a
 * `user.registration-attempted` e-mail instead, and the caller learns nothing: the password is
 * hashed on both paths and both resolve the same way. A taken handle is still a 409 (handles are
 * public).
 */
export async function registerUser(input: Registration, ports: ApiPorts): Promise<void> {
  const email = input.email.toLowerCase();
  const passwordHash = await ports.passwords.hash(input.password);
  const existing = await ports.users.byEmail(email);
  if (existing) return registrationAttempted(existing, ports);

  const user: User = {
    id: ports.newId(),
    email,
    name: input.name,
    handle: input.handle,
    passwordHash,
    createdAt: ports.now(),
  };
  const registered = createEvent(
    'user.registered',
    { userId: user.id, email: user.email, name: user.name, handle: user.handle },
    'api',
    { time: user.createdAt },
  );
  if ((await ports.users.create(user, [registered])) === 'email-taken') {
    // Another registration of this address won the race: its owner hears of this one.
    const winner = await ports.users.byEmail(email);
    if (winner) await registrationAttempted(winner, ports);
    return;
  }
  const { record, event } = newLinkToken('verify-email', user, ports);
  await ports.linkTokens.create(record, [event]);
}

async function registrationAttempted(owner: User, ports: ApiPorts): Promise<void> {
  const { userId, email, name } = personOf(owner);
  const attempt = { id: ports.newId(), userId, at: ports.now() };
  const event = createEvent(
    'user.registration-attempted',
    { user: { userId, email, name }, attemptId: attempt.id },
    'api',
    { time: attempt.at },
  );
  await ports.registrationAttempts.record(attempt, [event]);
}
