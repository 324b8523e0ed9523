import type {
  CommentCreated,
  DigestCompiled,
  TaskAssigned,
  TaskOverdue,
  UserEmailVerificationRequested,
  UserPasswordChanged,
  UserPasswordResetRequested,
  UserRegistered,
  UserRegistrationAttempted,
  WorkspaceMemberInvited,
} from '@herald/contracts';

/** A value that breaks naive templates: markup, both quotes, an ampersand and a header break. */
export const hostile = `<script>alert("x")</script> O'Brien & Co\r\nBcc: victim@example.test`;

const ref = { workspaceId: 'w-1', taskId: 't-1', key: 'WS-7' };
const actor = { userId: 'u-9', name: hostile };

export function aUser(overrides: Partial<UserRegistered> = {}): UserRegistered {
  return { userId: 'u-1', email: 'ada@example.test', name: 'Ada', handle: 'ada', ...overrides };
}

export function anInvite(overrides: Partial<WorkspaceMemberInvited> = {}): WorkspaceMemberInvited {
  return {
    workspaceId: 'w-1',
    workspaceName: hostile,
    inviteId: 'i-1',
    email: 'new@example.test',
    acceptUrl: 'https://herald.example/invites/accept?token=a1&ws=w-1',
    invitedBy: actor,
    ...overrides,
  };
}

export function anAssignment(): TaskAssigned {
  return {
    ...ref,
    title: hostile,
    assignee: { userId: 'u-2', email: 'bob@example.test', name: hostile },
    assignedBy: actor,
  };
}

export function aComment(mentions: CommentCreated['mentions'] = []): CommentCreated {
  return {
    ...ref,
    title: hostile,
    commentId: 'c-1',
    body: `${hostile}\nsecond line`,
    author: { ...actor, handle: 'mallory' },
    mentions,
  };
}

export function anOverdue(): TaskOverdue {
  return {
    ...ref,
    title: hostile,
    dueDate: '2025-03-01T09:00:00.000Z',
    assignees: [{ userId: 'u-2', email: 'bob@example.test', name: 'Bob' }],
    day: '2025-03-02',
  };
}

export function aDigest(): DigestCompiled {
  return {
    recipient: { userId: 'u-1', email: 'ada@example.test', name: 'Ada' },
    day: '2025-03-02',
    workspaces: [
      {
        workspaceId: 'w-1',
        name: hostile,
        entries: [{ type: 'task.created', summary: hostile, at: '2025-03-02T10:15:00.000Z' }],
        more: 0,
      },
    ],
    moreWorkspaces: 0,
  };
}

const owner = { userId: 'u-1', email: 'ada@example.test', name: hostile };

export function aVerification(): UserEmailVerificationRequested {
  return { user: owner, tokenId: 't-1', expiresAt: '2025-03-03T10:00:00.000Z' };
}

export function aReset(): UserPasswordResetRequested {
  return { user: owner, tokenId: 't-2', expiresAt: '2025-03-02T11:00:00.000Z' };
}

export function anAttempt(): UserRegistrationAttempted {
  return { user: owner, attemptId: 'a-1' };
}

export function aPasswordChange(): UserPasswordChanged {
  return { user: owner };
}
