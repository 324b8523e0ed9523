import { createEvent, slotEventId, type Event } from '@herald/contracts';
import type { PendingEvent } from '@herald/store';
import type { Task } from './task.js';
import type { User } from './user.js';

/** The reminder day of a slot, UTC: a task is reminded at most once per day. */
export function reminderDay(slot: Date): string {
  return slot.toISOString().slice(0, 10);
}

/**
 * The `task.overdue` event for one task, or undefined when nobody is assigned (there is no one
 * to remind). Its id is derived from (task, day), so a second run on the same day dedupes.
 */
export function overdueEvent(
  task: Task,
  assignees: readonly User[],
  slot: Date,
): PendingEvent | undefined {
  if (assignees.length === 0 || !task.dueDate) return undefined;
  const day = reminderDay(slot);
  const event: Event<'task.overdue'> = createEvent(
    'task.overdue',
    {
      workspaceId: task.workspaceId,
      taskId: task.id,
      key: task.key,
      title: task.title,
      dueDate: task.dueDate.toISOString(),
      assignees: assignees.map((u) => ({ userId: u.id, email: u.email, name: u.name })),
      day,
    },
    'api',
    { id: slotEventId(`task-overdue:${task.id}`, new Date(`${day}T00:00:00Z`)), time: slot },
  );
  return event;
}
