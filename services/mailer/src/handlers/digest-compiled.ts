import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { digestMail } from '../templates/digest.js';
import { deliver } from './deliver.js';

/** The digest goes to the one user it was compiled for. */
export async function onDigestCompiled(
  event: Event<'digest.compiled'>,
  ports: MailerPorts,
): Promise<void> {
  const { userId, email, name } = event.data.recipient;
  await deliver(
    event,
    [
      {
        to: { email, name },
        content: digestMail(event.data),
        subscription: { userId, kind: 'digest' },
      },
    ],
    ports,
  );
}
