import { z } from 'zod';
import { Id } from './common.js';

/** What a notification is about; clients pick an icon and wording by it. */
export const NotificationKind = z.enum([
  'welcome',
  'task-assigned',
  'mentioned',
  'task-overdue',
  'workspace-invite',
]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** A notification as clients receive it: inbox items, read results and live stream events alike. */
export const NotificationItem = z.object({
  id: z.string(),
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  link: z
    .object({
      workspaceId: z.string().optional(),
      taskId: z.string().optional(),
      /** An invite, by id: its accept link (a credential) only ever travels by e-mail. */
      inviteId: z.string().optional(),
      url: z.string().optional(),
    })
    .optional(),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
});
export type NotificationItem = z.infer<typeof NotificationItem>;

export const NotificationCreated = z.object({
  userId: Id,
  /** The notification's place in its user's inbox: 1, 2, 3… with no gaps; the SSE event id. */
  seq: z.number().int().positive(),
  notification: NotificationItem,
});
export type NotificationCreated = z.infer<typeof NotificationCreated>;
