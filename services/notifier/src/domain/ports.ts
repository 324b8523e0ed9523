import type { Notification } from './notification.js';

/** Where notifications are kept. Saving the same id twice keeps the first. */
export interface NotificationStore {
  saveAll(notifications: readonly Notification[]): Promise<void>;
}

export interface NotifierPorts {
  readonly notifications: NotificationStore;
  readonly now: () => Date;
}
