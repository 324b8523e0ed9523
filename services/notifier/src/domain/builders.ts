import type { Event } from '@herald/contracts';
import { notificationId, type Notification } from './notification.js';

/** Longest comment excerpt a mention notification carries; the full text lives with the task. */
export const excerptLength = 200;

type Draft = Omit<Notification, 'id' | 'eventId' | 'createdAt' | 'readAt'>;

function stamp(event: { readonly id: string }, now: Date, draft: Draft): Notification {
  return {
    ...draft,
    id: notificationId(event.id, draft.userId),
    eventId: event.id,
    createdAt: now,
    readAt: null,
  };
}

/** Each user once, in order of first appearance, skipping `exclude`. */
function uniqueUsers<R extends { readonly userId: string }>(
  recipients: readonly R[],
  exclude: readonly string[] = [],
): R[] {
  const seen = new Set(exclude);
  return recipients.filter(({ userId }) => {
    if (seen.has(userId)) return false;
    seen.add(userId);
    return true;
  });
}

/** One whitespace-collapsed line, cut at `max` characters with an ellipsis. */
export function excerpt(text: string, max = excerptLength): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

export function welcomeNotifications(event: Event<'user.registered'>, now: Date): Notification[] {
  const { userId, name } = event.data;
  return [
    stamp(event, now, {
      userId,
      kind: 'welcome',
      title: `Welcome to Herald, ${name}`,
      body: 'Create a workspace or accept an invite to get started.',
    }),
  ];
}

/** The assignee hears of it, unless they assigned the task to themselves. */
export function taskAssignedNotifications(
  event: Event<'task.assigned'>,
  now: Date,
): Notification[] {
  const { assignee, assignedBy, workspaceId, taskId, key, title } = event.data;
  if (assignee.userId === assignedBy.userId) return [];
  return [
    stamp(event, now, {
      userId: assignee.userId,
      kind: 'task-assigned',
      title: `${assignedBy.name} assigned you ${key}`,
      body: title,
      link: { workspaceId, taskId },
    }),
  ];
}

/** One per mentioned user; the author and repeated mentions are dropped even if the producer slipped. */
export function mentionNotifications(event: Event<'comment.created'>, now: Date): Notification[] {
  const { mentions, author, workspaceId, taskId, key, title, body } = event.data;
  return uniqueUsers(mentions, [author.userId]).map(({ userId }) =>
    stamp(event, now, {
      userId,
      kind: 'mentioned',
      title: `${author.name} mentioned you on ${key}: ${title}`,
      body: excerpt(body),
      link: { workspaceId, taskId },
    }),
  );
}

/** One per assignee. The event id is per task and day, so each reminder day notifies once. */
export function overdueNotifications(event: Event<'task.overdue'>, now: Date): Notification[] {
  const { assignees, workspaceId, taskId, key, title, dueDate } = event.data;
  return uniqueUsers(assignees).map(({ userId }) =>
    stamp(event, now, {
      userId,
      kind: 'task-overdue',
      title: `${key} is overdue`,
      body: `${title} was due ${new Date(dueDate).toISOString().slice(0, 10)}.`,
      link: { workspaceId, taskId },
    }),
  );
}

/**
 * In-app only for people who already have a verified account (the api sets `existingUserId` for
 * those alone); everyone else gets the e-mail alone. The link names the invite, never its token.
 */
export function inviteNotifications(
  event: Event<'workspace.member-invited'>,
  now: Date,
): Notification[] {
  const { existingUserId, invitedBy, workspaceId, workspaceName, inviteId } = event.data;
  if (existingUserId === undefined || existingUserId === invitedBy.userId) return [];
  return [
    stamp(event, now, {
      userId: existingUserId,
      kind: 'workspace-invite',
      title: `${invitedBy.name} invited you to ${workspaceName}`,
      body: 'Accept the invite to join the workspace.',
      link: { workspaceId, inviteId },
    }),
  ];
}
