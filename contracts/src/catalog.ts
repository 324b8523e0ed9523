import type { z } from 'zod';
import { Exchange } from './exchanges.js';
import { DigestCompiled } from './events/digests.js';
import {
  UserEmailVerificationRequested,
  UserPasswordChanged,
  UserPasswordResetRequested,
  UserRegistered,
  UserRegistrationAttempted,
} from './events/identity.js';
import { NotificationCreated } from './events/notifications.js';
import { UserNotificationPreferencesChanged } from './events/preferences.js';
import { ScheduleDue, SystemHeartbeat } from './events/schedule.js';
import {
  CommentCreated,
  TaskAssigned,
  TaskCreated,
  TaskOverdue,
  TaskStatusChanged,
} from './events/tasks.js';
import {
  WorkspaceCreated,
  WorkspaceMemberInvited,
  WorkspaceMemberJoined,
} from './events/workspaces.js';

export interface EventDefinition {
  readonly exchange: Exchange;
  /** Current version. A published version is never edited: add a new one and an upcaster. */
  readonly version: number;
  readonly schema: z.ZodType;
  readonly description: string;
}

/** Every event Herald carries. The single source for types, validators, topology and AsyncAPI. */
export const catalog = {
  'user.registered': {
    exchange: Exchange.identity,
    version: 1,
    schema: UserRegistered,
    description: 'A person created an account.',
  },
  'user.email-verification-requested': {
    exchange: Exchange.identity,
    version: 1,
    schema: UserEmailVerificationRequested,
    description:
      'A new account must prove its e-mail address: the mailer sends the single-use verification ' +
      'link (valid 24 h), whose token it derives from the token id.',
  },
  'user.registration-attempted': {
    exchange: Exchange.identity,
    version: 1,
    schema: UserRegistrationAttempted,
    description:
      'Someone tried to register an address that has an account; its owner is told by e-mail ' +
      '(the API answers the registration as if the address were new).',
  },
  'user.password-reset-requested': {
    exchange: Exchange.identity,
    version: 1,
    schema: UserPasswordResetRequested,
    description:
      'A password reset was asked for a registered address: the mailer sends the single-use ' +
      'reset link (valid 1 h), whose token it derives from the token id.',
  },
  'user.password-changed': {
    exchange: Exchange.identity,
    version: 1,
    schema: UserPasswordChanged,
    description:
      "A user's password was reset and every session revoked; the mailer tells the owner.",
  },
  'user.notification-preferences-changed': {
    exchange: Exchange.identity,
    version: 1,
    schema: UserNotificationPreferencesChanged,
    description:
      "A user's notification preferences changed (through the API or a one-click unsubscribe); " +
      'carries the whole result and a per-user version, the highest of which wins.',
  },
  'workspace.created': {
    exchange: Exchange.workspaces,
    version: 1,
    schema: WorkspaceCreated,
    description: 'A workspace was created; its creator is its first member.',
  },
  'workspace.member-invited': {
    exchange: Exchange.workspaces,
    version: 1,
    schema: WorkspaceMemberInvited,
    description: 'A member invited an e-mail address to a workspace.',
  },
  'workspace.member-joined': {
    exchange: Exchange.workspaces,
    version: 1,
    schema: WorkspaceMemberJoined,
    description: 'An invitee accepted and became a member.',
  },
  'task.created': {
    exchange: Exchange.tasks,
    version: 1,
    schema: TaskCreated,
    description: 'A task was created in a workspace.',
  },
  'task.status-changed': {
    exchange: Exchange.tasks,
    version: 1,
    schema: TaskStatusChanged,
    description: "A task's status moved.",
  },
  'task.assigned': {
    exchange: Exchange.tasks,
    version: 1,
    schema: TaskAssigned,
    description: 'A member was assigned to a task.',
  },
  'task.overdue': {
    exchange: Exchange.tasks,
    version: 1,
    schema: TaskOverdue,
    description: 'A task is past its due date and not done (at most once per task per day).',
  },
  'comment.created': {
    exchange: Exchange.tasks,
    version: 1,
    schema: CommentCreated,
    description: 'A comment was posted on a task, with its resolved @mentions.',
  },
  'digest.compiled': {
    exchange: Exchange.digests,
    version: 1,
    schema: DigestCompiled,
    description: "One user's activity of the last day, ready to mail.",
  },
  'schedule.overdue-reminders.due': {
    exchange: Exchange.schedule,
    version: 1,
    schema: ScheduleDue,
    description: 'Time to look for overdue tasks.',
  },
  'schedule.token-cleanup.due': {
    exchange: Exchange.schedule,
    version: 1,
    schema: ScheduleDue,
    description: 'Time to delete expired refresh tokens.',
  },
  'schedule.daily-digest.due': {
    exchange: Exchange.schedule,
    version: 1,
    schema: ScheduleDue,
    description: 'Time to compile daily digests.',
  },
  'notification.created': {
    exchange: Exchange.notifications,
    version: 1,
    schema: NotificationCreated,
    description:
      'The notifier stored a notification (or found it stored, on a redelivery); every replica ' +
      'passes it to the live streams of its user.',
  },
  'system.heartbeat': {
    exchange: Exchange.system,
    version: 1,
    schema: SystemHeartbeat,
    description: 'Emitted every minute; every consumer records it to prove the pipeline is alive.',
  },
} as const satisfies Record<string, EventDefinition>;

export type Catalog = typeof catalog;
export type EventType = keyof Catalog;
export type EventData<T extends EventType> = z.infer<Catalog[T]['schema']>;

export const eventTypes = Object.keys(catalog) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(catalog, value);
}
