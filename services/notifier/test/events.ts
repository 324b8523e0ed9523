import { createEvent, type Event } from '@herald/contracts';

/** Valid events (built through the contract, so a contract change breaks these first). */
export const people = {
  ada: { userId: 'u-ada', email: 'ada@example.test', name: 'Ada Lovelace', handle: 'ada' },
  grace: { userId: 'u-grace', email: 'grace@example.test', name: 'Grace Hopper', handle: 'grace' },
  linus: { userId: 'u-linus', email: 'linus@example.test', name: 'Linus', handle: 'linus' },
} as const;

type Person = (typeof people)[keyof typeof people];

const recipient = ({ userId, email, name }: Person) => ({ userId, email, name });
const actor = ({ userId, name }: Person) => ({ userId, name });

const task = { workspaceId: 'w-1', taskId: 't-1', key: 'WS-12', title: 'Ship the notifier' };

export function aCommentCreated(
  mentions: readonly Person[],
  body = 'Could you two take a look, @grace and @linus?',
): Event<'comment.created'> {
  return createEvent(
    'comment.created',
    {
      ...task,
      commentId: 'c-1',
      body,
      author: { ...actor(people.ada), handle: people.ada.handle },
      mentions: [...mentions],
    },
    'api',
  );
}

export function aTaskAssigned(assignee: Person, by: Person = people.ada): Event<'task.assigned'> {
  return createEvent(
    'task.assigned',
    { ...task, assignee: recipient(assignee), assignedBy: actor(by) },
    'api',
  );
}

export function aTaskOverdue(assignees: readonly Person[]): Event<'task.overdue'> {
  return createEvent(
    'task.overdue',
    {
      ...task,
      dueDate: '2025-03-01T17:00:00.000Z',
      day: '2025-03-03',
      assignees: assignees.map(recipient),
    },
    'api',
  );
}

export function aMemberInvited(existingUserId?: string): Event<'workspace.member-invited'> {
  return createEvent(
    'workspace.member-invited',
    {
      workspaceId: 'w-1',
      workspaceName: 'Analytical Engines',
      inviteId: 'i-1',
      email: people.grace.email,
      acceptUrl: 'https://herald.example.test/invites/accept?token=abc',
      invitedBy: actor(people.ada),
      ...(existingUserId ? { existingUserId } : {}),
    },
    'api',
  );
}

export function aUserRegistered(who: Person = people.ada): Event<'user.registered'> {
  return createEvent('user.registered', { ...who }, 'api');
}

export function aWorkspaceCreated(
  workspaceId: string,
  owner: Person = people.ada,
): Event<'workspace.created'> {
  return createEvent(
    'workspace.created',
    { workspaceId, name: 'Analytical Engines', owner: actor(owner) },
    'api',
  );
}

export function aMemberJoined(
  workspaceId: string,
  member: Person,
): Event<'workspace.member-joined'> {
  return createEvent(
    'workspace.member-joined',
    { workspaceId, workspaceName: 'Analytical Engines', member: recipient(member) },
    'api',
  );
}
