import type { Handler } from '@herald/bus';
import { services, type Event } from '@herald/contracts';
import type { ProcessedEvents } from '@herald/store';
import { onSystemHeartbeat, subscribeOnce } from '@herald/store/handlers';
import type { ActivityEventType } from '../domain/feed-entry.js';
import type { ActivityHandlerPorts } from '../domain/ports.js';
import { onCommentCreated } from './comment-created.js';
import { onDailyDigestDue } from './daily-digest-due.js';
import { onTaskAssigned } from './task-assigned.js';
import { onTaskCreated } from './task-created.js';
import { onTaskStatusChanged } from './task-status-changed.js';
import { onUserNotificationPreferencesChanged } from './user-notification-preferences-changed.js';
import { onUserRegistered } from './user-registered.js';
import { onWorkspaceCreated } from './workspace-created.js';
import { onWorkspaceMemberInvited } from './workspace-member-invited.js';
import { onWorkspaceMemberJoined } from './workspace-member-joined.js';

export type ActivityHandlers = {
  readonly [K in ActivityEventType]: (
    event: Event<K>,
    ports: ActivityHandlerPorts,
  ) => Promise<void>;
};

/** One handler per consumed event: a type added to the topology without one does not compile. */
export const activityHandlers: ActivityHandlers = {
  'user.registered': onUserRegistered,
  'user.notification-preferences-changed': onUserNotificationPreferencesChanged,
  'workspace.created': onWorkspaceCreated,
  'workspace.member-invited': onWorkspaceMemberInvited,
  'workspace.member-joined': onWorkspaceMemberJoined,
  'task.created': onTaskCreated,
  'task.status-changed': onTaskStatusChanged,
  'task.assigned': onTaskAssigned,
  'comment.created': onCommentCreated,
  'schedule.daily-digest.due': onDailyDigestDue,
  'system.heartbeat': onSystemHeartbeat,
};

/** The consumer name in the processed-events record. */
export const consumerName = 'activity';

/** The part of a bus Consumer that subscribing needs. */
export interface HandlerRegistry {
  on<K extends ActivityEventType>(type: K, handler: Handler<K>): unknown;
}

/**
 * Registers every handler on `consumer`, each wrapped so that an event id is handled once: a
 * redelivered or re-published event changes nothing.
 */
export function subscribe(
  consumer: HandlerRegistry,
  processed: ProcessedEvents,
  ports: ActivityHandlerPorts,
): void {
  subscribeOnce(consumer, {
    handlers: activityHandlers,
    types: services.activity.consumes,
    ports,
    processed,
    consumer: consumerName,
  });
}
