import type { Notification } from './notification.js';
import type { NotifierPorts } from './ports.js';

/**
 * Stores an event's notifications, then announces the newly stored ones to live listeners. A
 * redelivered event stores nothing new, so it announces nothing twice.
 */
export async function deliver(
  notifications: readonly Notification[],
  ports: Pick<NotifierPorts, 'notifications' | 'live'>,
): Promise<number> {
  const stored = await ports.notifications.saveAll(notifications);
  for (const notification of stored) ports.live.publish(notification);
  return stored.length;
}
