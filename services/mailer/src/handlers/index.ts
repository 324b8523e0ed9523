import type { ConsumedBy, Event } from '@herald/contracts';
import { onSystemHeartbeat, onUserNotificationPreferencesChanged } from '@herald/store/handlers';
import type { MailerPorts } from '../domain/ports.js';
import { onCommentCreated } from './comment-created.js';
import { onDigestCompiled } from './digest-compiled.js';
import { onEmailVerificationRequested } from './email-verification-requested.js';
import { onMemberInvited } from './member-invited.js';
import { onPasswordChanged } from './password-changed.js';
import { onPasswordResetRequested } from './password-reset-requested.js';
import { onRegistrationAttempted } from './registration-attempted.js';
import { onTaskAssigned } from './task-assigned.js';
import { onTaskOverdue } from './task-overdue.js';
import { onUserRegistered } from './user-registered.js';

export type MailerEvent = ConsumedBy<'mailer'>;

/** One handler per event the mailer's queue is bound to; a missing one fails the type check. */
export const handlers: {
  readonly [T in MailerEvent]: (event: Event<T>, ports: MailerPorts) => Promise<void>;
} = {
  'user.registered': onUserRegistered,
  'user.email-verification-requested': onEmailVerificationRequested,
  'user.registration-attempted': onRegistrationAttempted,
  'user.password-reset-requested': onPasswordResetRequested,
  'user.password-changed': onPasswordChanged,
  'user.notification-preferences-changed': onUserNotificationPreferencesChanged,
  'workspace.member-invited': onMemberInvited,
  'task.assigned': onTaskAssigned,
  'comment.created': onCommentCreated,
  'task.overdue': onTaskOverdue,
  'digest.compiled': onDigestCompiled,
  'system.heartbeat': onSystemHeartbeat,
};
