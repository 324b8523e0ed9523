import type { Event } from '@herald/contracts';
import { notificationId } from '../domain/notification.js';
import type { NotifierPorts } from '../domain/ports.js';

/** A new account starts with a welcome note in its inbox. */
export async function onUserRegistered(
  event: Event<'user.registered'>,
  ports: NotifierPorts,
): Promise<void> {
  const { userId, name } = event.data;
  await ports.notifications.saveAll([
    {
      id: notificationId(event.id, userId),
      userId,
      kind: 'welcome',
      title: `Welcome to Herald, ${name}`,
      body: 'Create a workspace or accept an invite to get started.',
      eventId: event.id,
      createdAt: ports.now(),
      readAt: null,
    },
  ]);
}
