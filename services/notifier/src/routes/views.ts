import { z } from 'zod';
import type { Notification } from '../domain/notification.js';

/** A notification as clients receive it (list items, read results and stream events alike). */
export const NotificationView = z.object({
  id: z.string(),
  kind: z.enum(['welcome', 'task-assigned', 'mentioned', 'task-overdue', 'workspace-invite']),
  title: z.string(),
  body: z.string(),
  link: z
    .object({
      workspaceId: z.string().optional(),
      taskId: z.string().optional(),
      url: z.string().optional(),
    })
    .optional(),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
});
export type NotificationView = z.infer<typeof NotificationView>;

export function toView(notification: Notification): NotificationView {
  const { id, kind, title, body, link, createdAt, readAt } = notification;
  return {
    id,
    kind,
    title,
    body,
    ...(link ? { link } : {}),
    createdAt: createdAt.toISOString(),
    readAt: readAt ? readAt.toISOString() : null,
  };
}
