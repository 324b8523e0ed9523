import type { NotificationKind } from '@herald/contracts';

export type { NotificationKind };

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
    /** An invite, by id: its accept link carries a token, so it only ever travels by e-mail. */
    readonly inviteId?: string;
    /** An absolute URL to open. */
    readonly url?: string;
  };
  readonly eventId: string;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/**
 * A notification as stored, with its place in its user's inbox: 1, 2, 3… without gaps, so seq N
 * stored means every seq below N is stored too. Live streams send it as the SSE id.
 */
export interface StoredNotification extends Notification {
  readonly seq: number;
}

export function notificationId(eventId: string, userId: string): string {
  return `${eventId}:${userId}`;
}
