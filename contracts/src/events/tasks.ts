import { z } from 'zod';
import { Actor, Id, IsoTime, Recipient } from './common.js';

export const TaskStatus = z.enum(['todo', 'in_progress', 'done']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** What every task event carries so a consumer can render it without asking the API. */
const TaskRef = {
  workspaceId: Id,
  taskId: Id,
  /** Human key such as `WS-12`. */
  key: z.string().min(1).max(40),
  title: z.string().min(1).max(300),
};

export const TaskCreated = z.object({
  ...TaskRef,
  createdBy: Actor,
  dueDate: IsoTime.optional(),
});
export type TaskCreated = z.infer<typeof TaskCreated>;

export const TaskStatusChanged = z.object({
  ...TaskRef,
  from: TaskStatus,
  to: TaskStatus,
  changedBy: Actor,
});
export type TaskStatusChanged = z.infer<typeof TaskStatusChanged>;

export const TaskAssigned = z.object({
  ...TaskRef,
  assignee: Recipient,
  assignedBy: Actor,
});
export type TaskAssigned = z.infer<typeof TaskAssigned>;

export const TaskOverdue = z.object({
  ...TaskRef,
  dueDate: IsoTime,
  assignees: z.array(Recipient).min(1),
  /** The reminder day (YYYY-MM-DD, UTC): a task is reminded at most once per day. */
  day: z.iso.date(),
});
export type TaskOverdue = z.infer<typeof TaskOverdue>;

export const CommentCreated = z.object({
  ...TaskRef,
  commentId: Id,
  body: z.string().min(1).max(10_000),
  author: Actor.extend({ handle: z.string() }),
  /** Resolved workspace members, de-duplicated, never the author. */
  mentions: z.array(Recipient.extend({ handle: z.string() })).max(100),
});
export type CommentCreated = z.infer<typeof CommentCreated>;
