import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { welcomeMail } from '../templates/welcome.js';
import { deliver } from './deliver.js';

/** A new account gets a welcome e-mail. */
export async function onUserRegistered(
  event: Event<'user.registered'>,
  ports: MailerPorts,
): Promise<void> {
  const { email, name } = event.data;
  await deliver(event, [{ to: { email, name }, content: welcomeMail(event.data) }], ports);
}
