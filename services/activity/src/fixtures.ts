import {
  createEvent,
  defaultNotificationPreferences,
  type CommentCreated,
  type DigestAt,
  type Event,
  type EventData,
  type Recipient,
} from '@herald/contracts';
import type { ActivityEventType } from './domain/feed-entry.js';

/** Test data: people, and valid activity events built through the contracts. */
export const ada: Recipient = { userId: 'u-ada', email: 'ada@example.test', name: 'Ada' };
export const bob: Recipient = { userId: 'u-bob', email: 'bob@example.test', name: 'Bob' };
export const cyd: Recipient = { userId: 'u-cyd', email: 'cyd@example.test', name: 'Cyd' };

const task = { taskId: 't-3', key: 'WS-3', title: 'Fix login' };

/** `minute` minutes after 2025-03-01T09:00Z: readable, ordered event times. */
export function at(minute: number): Date {
  return new Date(Date.UTC(2025, 2, 1, 9, minute));
}

function event<T extends ActivityEventType>(type: T, data: EventData<T>, time: Date): Event<T> {
  return createEvent(type, data, 'api', { time });
}

export const events = {
  workspaceCreated: (workspaceId: string, owner: Recipient, time = at(0)) =>
    event(
      'workspace.created',
      {
        workspaceId,
        name: `Space ${workspaceId}`,
        owner: { userId: owner.userId, name: owner.name, email: owner.email },
      },
      time,
    ),
  memberInvited: (workspaceId: string, by: Recipient, email: string, time = at(1)) =>
    event(
      'workspace.member-invited',
      {
        workspaceId,
        workspaceName: `Space ${workspaceId}`,
        inviteId: `i-${email}`,
        email,
        acceptUrl: 'https://herald.example.test/invites/accept?token=abc',
        invitedBy: { userId: by.userId, name: by.name },
      },
      time,
    ),
  memberJoined: (workspaceId: string, member: Recipient, time = at(2)) =>
    event(
      'workspace.member-joined',
      { workspaceId, workspaceName: `Space ${workspaceId}`, member },
      time,
    ),
  taskCreated: (workspaceId: string, by: Recipient, time = at(3), title = task.title) =>
    event(
      'task.created',
      { workspaceId, ...task, title, createdBy: { userId: by.userId, name: by.name } },
      time,
    ),
  taskStatusChanged: (workspaceId: string, by: Recipient, time = at(4)) =>
    event(
      'task.status-changed',
      {
        workspaceId,
        ...task,
        from: 'todo',
        to: 'in_progress',
        changedBy: { userId: by.userId, name: by.name },
      },
      time,
    ),
  taskAssigned: (workspaceId: string, by: Recipient, assignee: Recipient, time = at(5)) =>
    event(
      'task.assigned',
      { workspaceId, ...task, assignee, assignedBy: { userId: by.userId, name: by.name } },
      time,
    ),
  commentCreated: (
    workspaceId: string,
    author: Recipient,
    mentions: readonly Recipient[],
    time = at(6),
  ) =>
    event(
      'comment.created',
      {
        workspaceId,
        ...task,
        commentId: `c-${time.getTime()}`,
        body: mentions.map((m) => `@${m.name.toLowerCase()}`).join(' ') + ' please look',
        author: { userId: author.userId, name: author.name, handle: author.name.toLowerCase() },
        mentions: mentions.map((m) => ({ ...m, handle: m.name.toLowerCase() })),
      } satisfies CommentCreated,
      time,
    ),
  userRegistered: (user: Recipient, time = at(0)) =>
    event(
      'user.registered',
      { userId: user.userId, email: user.email, name: user.name, handle: user.name.toLowerCase() },
      time,
    ),
  preferencesChanged: (user: Recipient, digestAt: DigestAt, version: number, time = at(7)) =>
    event(
      'user.notification-preferences-changed',
      {
        userId: user.userId,
        preferences: { ...defaultNotificationPreferences, digestAt },
        version,
      },
      time,
    ),
  digestDue: (slot: Date) =>
    createEvent(
      'schedule.daily-digest.due',
      { schedule: 'daily-digest', slot: slot.toISOString(), fencingToken: 1 },
      'scheduler',
      { time: slot },
    ),
};
