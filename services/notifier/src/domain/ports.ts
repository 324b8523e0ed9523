import type {
  NotificationPreferences,
  UserNotificationPreferencesChanged,
} from '@herald/contracts';
import type { Cursor } from './cursor.js';
import type { Member } from './member.js';
import type { Notification, StoredNotification } from './notification.js';

export interface InboxQuery {
  readonly userId: string;
  readonly limit: number;
  /** Only notifications after this position (older, in inbox order). */
  readonly after?: Cursor;
  readonly unreadOnly: boolean;
}

/** Where notifications are kept. Saving the same id twice keeps the first. */
export interface NotificationStore {
  /**
   * Stores what is new, numbering each in its user's sequence, and answers every one as stored:
   * the new ones with their new seq, those stored before (a redelivery) as they were first stored
   * (leaving out any stored before seqs existed: streams carry only numbered ones).
   */
  saveAll(notifications: readonly Notification[]): Promise<StoredNotification[]>;
  /** The user's notifications newest first (ties by id, descending). */
  list(query: InboxQuery): Promise<Notification[]>;
  /** The user's notifications with a seq above `afterSeq`, lowest first. */
  after(userId: string, afterSeq: number, limit: number): Promise<StoredNotification[]>;
  /** The highest seq of the user's notifications; 0 for none. */
  latestSeq(userId: string): Promise<number>;
  unreadCount(userId: string): Promise<number>;
  /** Marks one of the user's notifications read (keeping an earlier readAt); undefined if not theirs. */
  markRead(userId: string, id: string, at: Date): Promise<Notification | undefined>;
  /** Marks every unread notification of the user read; returns how many changed. */
  markAllRead(userId: string, at: Date): Promise<number>;
}

/** Announces stored notifications to the live streams of every replica (through the broker). */
export interface LiveFeed {
  publish(notification: StoredNotification): Promise<void>;
}

/** Workspace memberships, as the notifier learns them from workspace events. */
export interface MemberStore {
  /** Records a membership; the first `since` wins when it arrives again. */
  add(member: Member): Promise<void>;
  isMember(workspaceId: string, userId: string): Promise<boolean>;
  /** Whether any membership of the workspace is known (it was created, as far as events tell). */
  knows(workspaceId: string): Promise<boolean>;
  ofWorkspace(workspaceId: string): Promise<Member[]>;
}

export interface NotifierPorts {
  readonly notifications: NotificationStore;
  readonly members: Pick<MemberStore, 'add'>;
  /** When the notifier last handled `system.heartbeat` (pipeline health). */
  readonly heartbeats: { record(slot: Date, receivedAt: Date): Promise<void> };
  readonly live: LiveFeed;
  /** The notifier's own copy of each user's notification preferences. */
  readonly preferences: {
    of(userId: string): Promise<NotificationPreferences>;
    record(change: UserNotificationPreferencesChanged): Promise<void>;
  };
  readonly now: () => Date;
}
