import type { TaskStatus } from '@herald/contracts';

/** A task as the API stores it. */
export interface Task {
  readonly id: string;
  readonly workspaceId: string;
  /** Per-workspace sequence number; the key is `<workspace key>-<number>`. */
  readonly number: number;
  readonly key: string;
  readonly title: string;
  readonly description: string | null;
  readonly status: TaskStatus;
  readonly dueDate: Date | null;
  /** Assigned when the task was created; later assignments are Assignment records. */
  readonly assigneeIds: readonly string[];
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface TaskChanges {
  readonly title?: string;
  readonly status?: TaskStatus;
  readonly dueDate?: Date | null;
  readonly updatedAt: Date;
}

/**
 * One assignment made after creation, as a record of its own (id `<taskId>:<userId>`): an insert is
 * atomic and unique even on FerretDB, so assigning twice cannot publish twice.
 */
export interface Assignment {
  readonly taskId: string;
  readonly userId: string;
  readonly workspaceId: string;
  readonly assignedBy: string;
  readonly assignedAt: Date;
}

/** The part of every task event that identifies the task. */
export function taskRef(task: Pick<Task, 'id' | 'workspaceId' | 'key' | 'title'>) {
  return { workspaceId: task.workspaceId, taskId: task.id, key: task.key, title: task.title };
}
