import type { Notification } from './notification.js';
import type { NotifierPorts } from './ports.js';

/**
 * Stores an event's notifications, then announces them to the live streams of every replica.
 * Every run announces all of them, the ones an earlier run stored too: a run whose announcement
 * failed is retried and announces again, and streams drop what they already sent by its seq.
 */
export async function deliver(
  notifications: readonly Notification[],
  ports: Pick<NotifierPorts, 'notifications' | 'live'>,
): Promise<void> {
  const stored = await ports.notifications.saveAll(notifications);
  await Promise.all(stored.map((notification) => ports.live.publish(notification)));
}
