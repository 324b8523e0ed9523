import type { Cursor } from './cursor.js';
import type { Notification } from './notification.js';

export interface InboxQuery {
  readonly userId: string;
  readonly limit: number;
  /** Only notifications after this position (older, in inbox order). */
  readonly after?: Cursor;
  readonly unreadOnly: boolean;
}

/** Where notifications are kept. Saving the same id twice keeps the first. */
export interface NotificationStore {
  /** Stores what is new and returns exactly that; ids already stored are skipped. */
  saveAll(notifications: readonly Notification[]): Promise<Notification[]>;
  /** The user's notifications newest first (ties by id, descending). */
  list(query: InboxQuery): Promise<Notification[]>;
  unreadCount(userId: string): Promise<number>;
  /** Marks one of the user's notifications read (keeping an earlier readAt); undefined if not theirs. */
  markRead(userId: string, id: string, at: Date): Promise<Notification | undefined>;
  /** Marks every unread notification of the user read; returns how many changed. */
  markAllRead(userId: string, at: Date): Promise<number>;
}

/** Tells live listeners (SSE clients) about notifications just stored. */
export interface LiveFeed {
  publish(notification: Notification): void;
}

export interface NotifierPorts {
  readonly notifications: NotificationStore;
  /** When the notifier last handled `system.heartbeat` (pipeline health). */
  readonly heartbeats: { record(slot: Date, receivedAt: Date): Promise<void> };
  readonly live: LiveFeed;
  readonly now: () => Date;
}
