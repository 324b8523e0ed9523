import type { Publisher } from '@herald/bus';
import type { StoredNotification } from '../domain/notification.js';
import type { LiveFeed } from '../domain/ports.js';
import { toLive } from '../domain/views.js';

/** Announces stored notifications on the live exchange, to every replica's live queue. */
export function brokerLiveFeed(
  publisher: Pick<Publisher<'notification.created'>, 'publish'>,
): LiveFeed {
  return {
    async publish(notification: StoredNotification) {
      await publisher.publish('notification.created', toLive(notification));
    },
  };
}
