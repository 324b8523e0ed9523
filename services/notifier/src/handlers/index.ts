import type { Consumer } from '@herald/bus';
import type { ConsumedBy, Event } from '@herald/contracts';
import type { ProcessedEvents } from '@herald/store';
import {
  onSystemHeartbeat,
  onUserNotificationPreferencesChanged,
  subscribeOnce,
} from '@herald/store/handlers';
import type { NotifierPorts } from '../domain/ports.js';
import { onCommentCreated } from './comment-created.js';
import { onTaskAssigned } from './task-assigned.js';
import { onTaskOverdue } from './task-overdue.js';
import { onUserRegistered } from './user-registered.js';
import { onWorkspaceCreated } from './workspace-created.js';
import { onWorkspaceMemberInvited } from './workspace-member-invited.js';
import { onWorkspaceMemberJoined } from './workspace-member-joined.js';

export type NotifierEvent = ConsumedBy<'notifier'>;

/** Names the handled events in the processed-events record. */
export const consumerName = 'notifier';

/** One handler per consumed event: adding an event to the notifier's queue fails tsc until handled. */
export const handlers: {
  readonly [K in NotifierEvent]: (event: Event<K>, ports: NotifierPorts) => Promise<void>;
} = {
  'user.registered': onUserRegistered,
  'user.notification-preferences-changed': onUserNotificationPreferencesChanged,
  'workspace.created': onWorkspaceCreated,
  'workspace.member-invited': onWorkspaceMemberInvited,
  'workspace.member-joined': onWorkspaceMemberJoined,
  'task.assigned': onTaskAssigned,
  'comment.created': onCommentCreated,
  'task.overdue': onTaskOverdue,
  'system.heartbeat': onSystemHeartbeat,
};

/** Registers every handler, each run at most once per event id (redeliveries become no-ops). */
export function registerHandlers(
  consumer: Consumer<NotifierEvent>,
  types: readonly NotifierEvent[],
  ports: NotifierPorts,
  processed: ProcessedEvents,
): void {
  subscribeOnce(consumer, { handlers, types, ports, processed, consumer: consumerName });
}
