import { z } from 'zod';
import { NotificationItem } from '@herald/contracts';
import { AppError, type HttpServer } from '@herald/runtime';
import { decodeCursor } from '../domain/cursor.js';
import { inboxPage } from '../domain/inbox.js';
import type { NotificationStore } from '../domain/ports.js';
import { toItem } from '../domain/views.js';
import type { Authenticator } from './authenticate.js';

export const maxPageSize = 100;

export const InboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(maxPageSize).default(20),
  cursor: z
    .string()
    .transform((text, ctx) => {
      const cursor = decodeCursor(text);
      if (!cursor) {
        ctx.addIssue({ code: 'custom', message: 'malformed cursor' });
        return z.NEVER;
      }
      return cursor;
    })
    .optional(),
  unread: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .default(false),
});

export const InboxPageView = z.object({
  items: z.array(NotificationItem),
  nextCursor: z.string().nullable(),
});

const ById = z.strictObject({ id: z.string().min(1).max(300) });

export interface InboxDeps {
  readonly notifications: NotificationStore;
  readonly auth: Authenticator;
  readonly now: () => Date;
}

/** The caller's inbox: list (newest first, cursor-paginated), unread count, mark read. */
export function notificationRoutes(app: HttpServer, deps: InboxDeps): void {
  const { notifications, auth, now } = deps;

  app.get(
    '/notifications',
    {
      onRequest: auth.bearer,
      schema: { querystring: InboxQuery, response: { 200: InboxPageView } },
    },
    async (request) => {
      const { limit, cursor, unread } = request.query;
      const page = await inboxPage(notifications, {
        userId: auth.caller(request).userId,
        limit,
        unreadOnly: unread,
        ...(cursor ? { after: cursor } : {}),
      });
      return { items: page.items.map(toItem), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/notifications/unread-count',
    {
      onRequest: auth.bearer,
      schema: { response: { 200: z.object({ count: z.number().int() }) } },
    },
    async (request) => ({ count: await notifications.unreadCount(auth.caller(request).userId) }),
  );

  app.post(
    '/notifications/:id/read',
    {
      onRequest: auth.bearer,
      schema: { params: ById, response: { 200: NotificationItem } },
    },
    async (request) => {
      const read = await notifications.markRead(
        auth.caller(request).userId,
        request.params.id,
        now(),
      );
      // Someone else's notification answers exactly like a missing one.
      if (!read) throw new AppError('notFound', 'no such notification');
      return toItem(read);
    },
  );

  app.post(
    '/notifications/read-all',
    {
      onRequest: auth.bearer,
      schema: { response: { 200: z.object({ updated: z.number().int() }) } },
    },
    async (request) => ({
      updated: await notifications.markAllRead(auth.caller(request).userId, now()),
    }),
  );
}
