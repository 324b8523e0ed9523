import type { Event } from '@herald/contracts';
import { welcomeNotifications } from '../domain/builders.js';
import { deliver } from '../domain/deliver.js';
import type { NotifierPorts } from '../domain/ports.js';

/** A new account starts with a welcome note in its inbox. */
export async function onUserRegistered(
  event: Event<'user.registered'>,
  ports: NotifierPorts,
): Promise<void> {
  await deliver(welcomeNotifications(event, ports.now()), ports);
}
