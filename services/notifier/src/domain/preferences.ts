import type { NotificationPreferences, PreferenceKind } from '@herald/contracts';
import type { Notification, NotificationKind } from './notification.js';

/**
 * The preference each kind of in-app notification obeys. Welcome and workspace invites answer to
 * none: like their e-mails, they cannot be turned off.
 */
const preferenceOf: Record<NotificationKind, PreferenceKind | undefined> = {
  mentioned: 'mentioned',
  'task-assigned': 'assigned',
  'task-overdue': 'overdue',
  welcome: undefined,
  'workspace-invite': undefined,
};

/** Whether the user's preferences let this notification into their inbox. */
export function wanted(notification: Notification, preferences: NotificationPreferences): boolean {
  const kind = preferenceOf[notification.kind];
  return kind === undefined || preferences.inApp[kind];
}
