import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { mentionMail } from '../templates/mention.js';
import { deliver } from './deliver.js';

/** One e-mail per mentioned member; a comment without mentions sends nothing. */
export async function onCommentCreated(
  event: Event<'comment.created'>,
  ports: MailerPorts,
): Promise<void> {
  const { mentions } = event.data;
  if (mentions.length === 0) return;
  await deliver(
    event,
    mentions.map(({ userId, email, name }) => ({
      to: { email, name },
      content: mentionMail(event.data, { name }),
      subscription: { userId, kind: 'mentioned' },
    })),
    ports,
  );
}
