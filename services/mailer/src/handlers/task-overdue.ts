import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { taskOverdueMail } from '../templates/task-overdue.js';
import { deliver } from './deliver.js';

/** Each assignee of an overdue task gets the reminder. */
export async function onTaskOverdue(
  event: Event<'task.overdue'>,
  ports: MailerPorts,
): Promise<void> {
  await deliver(
    event,
    event.data.assignees.map(({ userId, email, name }) => ({
      to: { email, name },
      content: taskOverdueMail(event.data, { name }),
      subscription: { userId, kind: 'overdue' },
    })),
    ports,
  );
}
