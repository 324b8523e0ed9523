import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { registrationAttemptedMail } from '../templates/registration-attempted.js';
import { deliver } from './deliver.js';

/** The owner of a registered address hears that someone tried to register it (transactional). */
export async function onRegistrationAttempted(
  event: Event<'user.registration-attempted'>,
  ports: MailerPorts,
): Promise<void> {
  const { email, name } = event.data.user;
  const content = registrationAttemptedMail(event.data);
  await deliver(event, [{ to: { email, name }, content }], ports);
}
