import type { NotificationCreated, NotificationItem } from '@herald/contracts';
import type { Notification, StoredNotification } from './notification.js';

/** A notification as clients receive it (list items, read results and stream events alike). */
export function toItem(notification: Notification): NotificationItem {
  const { id, kind, title, body, link, createdAt, readAt } = notification;
  return {
    id,
    kind,
    title,
    body,
    ...(link ? { link } : {}),
    createdAt: createdAt.toISOString(),
    readAt: readAt ? readAt.toISOString() : null,
  };
}

/** A stored notification as the live fan-out carries it to every replica's streams. */
export function toLive(notification: StoredNotification): NotificationCreated {
  return { userId: notification.userId, seq: notification.seq, notification: toItem(notification) };
}
