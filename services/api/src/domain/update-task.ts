import type { AccessClaims } from '@herald/auth';
import { createEvent, type TaskStatus } from '@herald/contracts';
import { AppError } from '@herald/errors';
import type { ApiPorts } from './ports.js';
import type { Task } from './task.js';
import { taskRef } from './task.js';
import { requireTask } from './task-access.js';

export interface TaskPatch {
  readonly title?: string | undefined;
  readonly status?: TaskStatus | undefined;
  /** `null` clears the due date. */
  readonly dueDate?: Date | null | undefined;
}

/** Times an update is retried when the status moved between reading and writing the task. */
const attempts = 3;

/** Edits a task; a status change writes `task.status-changed` in the same update. */
export async function updateTask(
  taskId: string,
  patch: TaskPatch,
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<Task> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const { task } = await requireTask(taskId, caller.userId, ports);
    const now = ports.now();
    const changes = {
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.dueDate !== undefined ? { dueDate: patch.dueDate } : {}),
      updatedAt: now,
    };
    const updated: Task = { ...task, ...changes };
    const events =
      updated.status === task.status
        ? []
        : [
            createEvent(
              'task.status-changed',
              {
                ...taskRef(updated),
                from: task.status,
                to: updated.status,
                changedBy: { userId: caller.userId, name: caller.name },
              },
              'api',
              { time: now },
            ),
          ];
    // Conditional on the status read, so two concurrent moves cannot both claim the same `from`.
    if (await ports.tasks.update(task.id, task.status, changes, events)) {
      return updated;
    }
  }
  throw new AppError('conflict', 'the task changed while it was being updated; try again');
}
