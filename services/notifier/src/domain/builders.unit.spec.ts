import { describe, expect, it } from 'vitest';
import {
  aCommentCreated,
  aMemberInvited,
  aTaskAssigned,
  aTaskOverdue,
  aUserRegistered,
  people,
} from '../../test/events.js';
import {
  excerpt,
  inviteNotifications,
  mentionNotifications,
  overdueNotifications,
  taskAssignedNotifications,
  welcomeNotifications,
} from './builders.js';

const now = new Date('2025-03-03T09:00:00.000Z');

describe('notification builders', () => {
  it('welcomes a new user with an id derived from event and user', () => {
    const event = aUserRegistered(people.ada);

    expect(welcomeNotifications(event, now)).toEqual([
      {
        id: `${event.id}:${people.ada.userId}`,
        userId: people.ada.userId,
        kind: 'welcome',
        title: 'Welcome to Herald, Ada Lovelace',
        body: 'Create a workspace or accept an invite to get started.',
        eventId: event.id,
        createdAt: now,
        readAt: null,
      },
    ]);
  });

  it('notifies the assignee of a task, linking to it', () => {
    const event = aTaskAssigned(people.grace, people.ada);

    expect(taskAssignedNotifications(event, now)).toEqual([
      expect.objectContaining({
        id: `${event.id}:${people.grace.userId}`,
        userId: people.grace.userId,
        kind: 'task-assigned',
        title: 'Ada Lovelace assigned you WS-12',
        body: 'Ship the notifier',
        link: { workspaceId: 'w-1', taskId: 't-1' },
        readAt: null,
      }),
    ]);
  });

  it('does not notify someone who assigned the task to themselves', () => {
    expect(taskAssignedNotifications(aTaskAssigned(people.ada, people.ada), now)).toEqual([]);
  });

  it('notifies each mentioned user once, with an excerpt of the comment', () => {
    const event = aCommentCreated([people.grace, people.linus]);
    const notifications = mentionNotifications(event, now);

    expect(notifications.map((n) => [n.id, n.userId, n.kind])).toEqual([
      [`${event.id}:u-grace`, 'u-grace', 'mentioned'],
      [`${event.id}:u-linus`, 'u-linus', 'mentioned'],
    ]);
    expect(notifications[0]).toMatchObject({
      title: 'Ada Lovelace mentioned you on WS-12: Ship the notifier',
      body: 'Could you two take a look, @grace and @linus?',
      link: { workspaceId: 'w-1', taskId: 't-1' },
    });
  });

  it('drops the author and repeated mentions even if the producer let them through', () => {
    const event = aCommentCreated([people.grace, people.ada, people.grace]);

    expect(mentionNotifications(event, now).map((n) => n.userId)).toEqual(['u-grace']);
  });

  it('makes nothing of a comment without mentions', () => {
    expect(mentionNotifications(aCommentCreated([]), now)).toEqual([]);
  });

  it('reminds every assignee of an overdue task, with its due day', () => {
    const event = aTaskOverdue([people.grace, people.linus]);
    const notifications = overdueNotifications(event, now);

    expect(notifications.map((n) => n.userId)).toEqual(['u-grace', 'u-linus']);
    expect(notifications[1]).toMatchObject({
      id: `${event.id}:u-linus`,
      kind: 'task-overdue',
      title: 'WS-12 is overdue',
      body: 'Ship the notifier was due 2025-03-01.',
    });
  });

  it('shows an invite in-app only to an invitee who already has an account, linked by id without its token', () => {
    const existing = aMemberInvited(people.grace.userId);

    expect(inviteNotifications(aMemberInvited(), now)).toEqual([]);
    expect(inviteNotifications(existing, now)).toEqual([
      expect.objectContaining({
        id: `${existing.id}:u-grace`,
        userId: 'u-grace',
        kind: 'workspace-invite',
        title: 'Ada Lovelace invited you to Analytical Engines',
        link: { workspaceId: 'w-1', inviteId: existing.data.inviteId },
      }),
    ]);
    expect(JSON.stringify(inviteNotifications(existing, now))).not.toContain('token=abc');
  });
});

describe('excerpt', () => {
  it('keeps a short text, collapsing whitespace to one line', () => {
    expect(excerpt('  line one\n\n  line   two ')).toBe('line one line two');
  });

  it('cuts a long text to the limit with an ellipsis', () => {
    const cut = excerpt('word '.repeat(100), 20);

    expect(cut).toHaveLength(20);
    expect(cut.endsWith('word…')).toBe(true);
  });
});
