import type { PendingEvent } from '@herald/store';
import { overdueEvent, reminderDay } from './overdue.js';
import type { ApiPorts } from './ports.js';

/** Overdue-reminder work the API owns: finding the tasks and recording one reminder per task per day. */
export interface OverduePorts extends Pick<ApiPorts, 'users' | 'tasks' | 'assignments'> {
  readonly reminders: {
    /** Records the reminder with its event in one insert; false when that day's was recorded already. */
    add(taskId: string, day: string, events: readonly PendingEvent[]): Promise<boolean>;
  };
}

/** For every task past due and not done, one `task.overdue` to its assignees, once per day. */
export async function remindOverdueTasks(slot: Date, ports: OverduePorts): Promise<number> {
  let reminded = 0;
  for (const task of await ports.tasks.overdue(slot)) {
    const later = await ports.assignments.ofTask(task.id);
    const ids = [...new Set([...task.assigneeIds, ...later.map((a) => a.userId)])];
    const event = overdueEvent(task, await ports.users.byIds(ids), slot);
    if (event && (await ports.reminders.add(task.id, reminderDay(slot), [event]))) reminded++;
  }
  return reminded;
}
