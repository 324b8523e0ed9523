import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { taskAssignedMail } from '../templates/task-assigned.js';
import { deliver } from './deliver.js';

/** The assignee hears about the task. */
export async function onTaskAssigned(
  event: Event<'task.assigned'>,
  ports: MailerPorts,
): Promise<void> {
  const { userId, email, name } = event.data.assignee;
  await deliver(
    event,
    [
      {
        to: { email, name },
        content: taskAssignedMail(event.data),
        subscription: { userId, kind: 'assigned' },
      },
    ],
    ports,
  );
}
