/** What a notification is about; the client picks an icon and wording by it. */
export type NotificationKind =
  'welcome' | 'task-assigned' | 'mentioned' | 'task-overdue' | 'workspace-invite';

/** An in-app notification, as the inbox shows it. */
export interface Notification {
  /** `${eventId}:${userId}`: one event notifies a user at most once, however often it arrives. */
  readonly id: string;
  readonly userId: string;
  readonly kind: NotificationKind;
  readonly title: string;
  readonly body: string;
  /** Where the notification points, for the client to link to. */
  readonly link?: {
    readonly workspaceId?: string;
    readonly taskId?: string;
    /** An absolute URL to open, e.g. the invite's accept link. */
    readonly url?: string;
  };
  readonly eventId: string;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

export function notificationId(eventId: string, userId: string): string {
  return `${eventId}:${userId}`;
}
