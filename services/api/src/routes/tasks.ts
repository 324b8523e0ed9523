import { z } from 'zod';
import { TaskStatus } from '@herald/contracts';
import type { HttpServer } from '@herald/runtime';
import { assignTask } from '../domain/assign-task.js';
import { createTask } from '../domain/create-task.js';
import type { ApiPorts } from '../domain/ports.js';
import type { Task } from '../domain/task.js';
import { assigneesOf, requireTask } from '../domain/task-access.js';
import { updateTask } from '../domain/update-task.js';
import { bearerSecurity, type Authenticator } from './authenticate.js';
import { IdParams, IsoDate, OneLine, Text } from './schemas.js';

const Title = OneLine(300);

export const CreateTaskBody = z.strictObject({
  title: Title,
  description: Text(z.string().max(10_000)).optional(),
  dueDate: IsoDate.optional(),
  assigneeIds: z.array(z.uuid()).max(50).optional(),
});

export const PatchTaskBody = z
  .strictObject({
    title: Title.optional(),
    status: TaskStatus.optional(),
    /** `null` clears the due date. */
    dueDate: IsoDate.nullable().optional(),
  })
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'nothing to change: give title, status or dueDate',
  );

export const AssignBody = z.strictObject({ userId: z.uuid() });

export const TaskView = z.object({
  id: z.string(),
  workspaceId: z.string(),
  key: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string().nullable(),
  status: TaskStatus,
  dueDate: z.string().nullable(),
  assigneeIds: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function taskView(task: Task, assigneeIds: readonly string[] = task.assigneeIds) {
  return {
    ...task,
    assigneeIds: [...assigneeIds],
    dueDate: task.dueDate?.toISOString() ?? null,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

export function taskRoutes(app: HttpServer, ports: ApiPorts, auth: Authenticator): void {
  const common = { preParsing: auth.required } as const;
  const tags = ['tasks'];
  const security = bearerSecurity;

  app.post(
    '/workspaces/:id/tasks',
    {
      ...common,
      schema: {
        tags,
        security,
        params: IdParams,
        body: CreateTaskBody,
        response: { 201: TaskView },
      },
    },
    async (request, reply) => {
      const task = await createTask(request.params.id, request.body, auth.caller(request), ports);
      return reply.code(201).send(taskView(task));
    },
  );

  app.get(
    '/tasks/:id',
    { ...common, schema: { tags, security, params: IdParams, response: { 200: TaskView } } },
    async (request) => {
      const { task } = await requireTask(request.params.id, auth.caller(request).userId, ports);
      return taskView(task, await assigneesOf(task, ports));
    },
  );

  app.patch(
    '/tasks/:id',
    {
      ...common,
      schema: {
        tags,
        security,
        params: IdParams,
        body: PatchTaskBody,
        response: { 200: TaskView },
      },
    },
    async (request) => {
      const task = await updateTask(request.params.id, request.body, auth.caller(request), ports);
      return taskView(task, await assigneesOf(task, ports));
    },
  );

  app.post(
    '/tasks/:id/assignees',
    {
      ...common,
      schema: {
        tags,
        security,
        params: IdParams,
        body: AssignBody,
        response: { 200: TaskView, 201: TaskView },
      },
    },
    async (request, reply) => {
      const { task, assigneeIds, assigned } = await assignTask(
        request.params.id,
        request.body.userId,
        auth.caller(request),
        ports,
      );
      // 201 when this request made the assignment, 200 when it existed already.
      return reply.code(assigned ? 201 : 200).send(taskView(task, assigneeIds));
    },
  );
}
