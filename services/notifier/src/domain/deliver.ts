import type { Notification } from './notification.js';
import type { NotifierPorts } from './ports.js';
import { wanted } from './preferences.js';

/**
 * Stores an event's notifications, but none of a kind its user turned off in-app, then announces
 * them to the live streams of every replica.
 * Every run announces all of them, the ones an earlier run stored too: a run whose announcement
 * failed is retried and announces again, and streams drop what they already sent by its seq.
 */
export async function deliver(
  notifications: readonly Notification[],
  ports: Pick<NotifierPorts, 'notifications' | 'live' | 'preferences'>,
): Promise<void> {
  const allowed: Notification[] = [];
  for (const notification of notifications) {
    if (wanted(notification, await ports.preferences.of(notification.userId))) {
      allowed.push(notification);
    }
  }
  if (allowed.length === 0) return;
  const stored = await ports.notifications.saveAll(allowed);
  await Promise.all(stored.map((notification) => ports.live.publish(notification)));
}
