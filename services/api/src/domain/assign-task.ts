import type { AccessClaims } from '@herald/auth';
import { createEvent } from '@herald/contracts';
import { AppError } from '@herald/errors';
import type { ApiPorts } from './ports.js';
import { taskRef, type Task } from './task.js';
import { assigneesOf, requireTask } from './task-access.js';

/** Assigns a member; assigning someone already assigned is a no-op that publishes nothing. */
export async function assignTask(
  taskId: string,
  userId: string,
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<{ task: Task; assigneeIds: string[]; assigned: boolean }> {
  const { task } = await requireTask(taskId, caller.userId, ports);
  const assignee = (await ports.memberships.get(task.workspaceId, userId))
    ? await ports.users.byId(userId)
    : undefined;
  if (!assignee) {
    throw new AppError('validation', `user ${userId} is not a member of this workspace`);
  }
  let assigned = false;
  if (!task.assigneeIds.includes(userId)) {
    const now = ports.now();
    const event = createEvent(
      'task.assigned',
      {
        ...taskRef(task),
        assignee: { userId: assignee.id, email: assignee.email, name: assignee.name },
        assignedBy: { userId: caller.userId, name: caller.name },
      },
      'api',
      { time: now },
    );
    assigned = await ports.assignments.add(
      {
        taskId: task.id,
        userId,
        workspaceId: task.workspaceId,
        assignedBy: caller.userId,
        assignedAt: now,
      },
      [event],
    );
  }
  return { task, assigneeIds: await assigneesOf(task, ports), assigned };
}
