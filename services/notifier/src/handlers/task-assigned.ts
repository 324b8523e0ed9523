import type { Event } from '@herald/contracts';
import { taskAssignedNotifications } from '../domain/builders.js';
import { deliver } from '../domain/deliver.js';
import type { NotifierPorts } from '../domain/ports.js';

/** The assignee learns of the task, unless they took it themselves. */
export async function onTaskAssigned(
  event: Event<'task.assigned'>,
  ports: NotifierPorts,
): Promise<void> {
  await deliver(taskAssignedNotifications(event, ports.now()), ports);
}
