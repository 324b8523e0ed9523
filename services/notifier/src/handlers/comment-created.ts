import type { Event } from '@herald/contracts';
import { mentionNotifications } from '../domain/builders.js';
import { deliver } from '../domain/deliver.js';
import type { NotifierPorts } from '../domain/ports.js';

/** Every @mentioned member gets a notification pointing at the comment's task. */
export async function onCommentCreated(
  event: Event<'comment.created'>,
  ports: NotifierPorts,
): Promise<void> {
  await deliver(mentionNotifications(event, ports.now()), ports);
}
