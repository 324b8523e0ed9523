import { encodeCursor } from './cursor.js';
import type { Notification } from './notification.js';
import type { InboxQuery, NotificationStore } from './ports.js';

export interface InboxPage {
  readonly items: readonly Notification[];
  /** Continues after the last item; null when there is nothing more. */
  readonly nextCursor: string | null;
}

/** One page of a user's inbox. Reads one extra item to know whether another page exists. */
export async function inboxPage(
  store: Pick<NotificationStore, 'list'>,
  query: InboxQuery,
): Promise<InboxPage> {
  const found = await store.list({ ...query, limit: query.limit + 1 });
  const items = found.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: found.length > query.limit && last ? encodeCursor(last) : null,
  };
}
