import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { passwordChangedMail } from '../templates/password-changed.js';
import { deliver } from './deliver.js';

/** The owner hears that the password changed and every session ended (transactional). */
export async function onPasswordChanged(
  event: Event<'user.password-changed'>,
  ports: MailerPorts,
): Promise<void> {
  const { email, name } = event.data.user;
  await deliver(event, [{ to: { email, name }, content: passwordChangedMail(event.data) }], ports);
}
