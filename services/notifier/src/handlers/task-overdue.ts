import type { Event } from '@herald/contracts';
import { overdueNotifications } from '../domain/builders.js';
import { deliver } from '../domain/deliver.js';
import type { NotifierPorts } from '../domain/ports.js';

/** Each assignee of an overdue task gets the day's reminder in-app. */
export async function onTaskOverdue(
  event: Event<'task.overdue'>,
  ports: NotifierPorts,
): Promise<void> {
  await deliver(overdueNotifications(event, ports.now()), ports);
}
