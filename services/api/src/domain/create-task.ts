import type { AccessClaims } from '@herald/auth';
import { createEvent } from '@herald/contracts';
import { AppError } from '@herald/errors';
import { membersOf, requireMember } from './access.js';
import type { ApiPorts } from './ports.js';
import { taskRef, type Task } from './task.js';
import type { Person } from './user.js';

/** How often a task number is drawn again after losing a race for it. */
const numberAttempts = 20;

export interface NewTask {
  readonly title: string;
  readonly description?: string | undefined;
  readonly dueDate?: Date | undefined;
  readonly assigneeIds?: readonly string[] | undefined;
}

/** Creates `WS-<n>` with `task.created` and one `task.assigned` per assignee, in one write. */
export async function createTask(
  workspaceId: string,
  input: NewTask,
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<Task> {
  const { workspace } = await requireMember(workspaceId, caller.userId, ports);
  const assigneeIds = [...new Set(input.assigneeIds ?? [])];
  const members =
    assigneeIds.length > 0 ? await membersOf(workspaceId, ports) : new Map<string, Person>();
  const assignees: Person[] = [];
  const outsiders: string[] = [];
  for (const id of assigneeIds) {
    const member = members.get(id);
    if (member) assignees.push(member);
    else outsiders.push(id);
  }
  if (outsiders.length > 0) {
    throw new AppError(
      'validation',
      `assignees must be members of the workspace: ${outsiders.join(', ')}`,
    );
  }
  const actor = { userId: caller.userId, name: caller.name };

  for (let attempt = 0; attempt < numberAttempts; attempt++) {
    // The counter is a hint: FerretDB does not apply $inc atomically, so two requests can draw the
    // same number. The unique (workspace, number) index decides; the loser draws again.
    const number = await ports.tasks.nextNumber(workspaceId);
    const now = ports.now();
    const task: Task = {
      id: ports.newId(),
      workspaceId,
      number,
      key: `${workspace.key}-${number}`,
      title: input.title,
      description: input.description ?? null,
      status: 'todo',
      dueDate: input.dueDate ?? null,
      assigneeIds,
      createdBy: caller.userId,
      createdAt: now,
      updatedAt: now,
    };
    const ref = taskRef(task);
    const events = [
      createEvent(
        'task.created',
        {
          ...ref,
          createdBy: actor,
          ...(task.dueDate ? { dueDate: task.dueDate.toISOString() } : {}),
        },
        'api',
        { time: now },
      ),
      ...assignees.map(({ userId, email, name }) =>
        createEvent(
          'task.assigned',
          { ...ref, assignee: { userId, email, name }, assignedBy: actor },
          'api',
          { time: now },
        ),
      ),
    ];
    if ((await ports.tasks.create(task, events)) === 'created') {
      return task;
    }
  }
  throw new AppError('conflict', 'could not allocate a task number; try again');
}
