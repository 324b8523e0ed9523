import { AppError } from '@herald/errors';
import { requireMember } from './access.js';
import type { ApiPorts } from './ports.js';
import type { Task } from './task.js';
import type { Workspace } from './workspace.js';

/** The task, if the caller is a member of its workspace: 404 for an unknown id, 403 for an outsider. */
export async function requireTask(
  taskId: string,
  userId: string,
  ports: Pick<ApiPorts, 'tasks' | 'workspaces' | 'memberships'>,
): Promise<{ task: Task; workspace: Workspace }> {
  const task = await ports.tasks.byId(taskId);
  if (!task) throw new AppError('notFound', `no task ${taskId}`);
  const { workspace } = await requireMember(task.workspaceId, userId, ports);
  return { task, workspace };
}

/** Everyone assigned: at creation (in the task) and later (assignment records), each once. */
export async function assigneesOf(
  task: Task,
  ports: Pick<ApiPorts, 'assignments'>,
): Promise<string[]> {
  const later = (await ports.assignments.ofTask(task.id))
    .sort((a, b) => a.assignedAt.getTime() - b.assignedAt.getTime())
    .map((a) => a.userId);
  return [...new Set([...task.assigneeIds, ...later])];
}
