import { z } from 'zod';
import { Id } from '@herald/contracts';
import { callerOf, type AccessClaims, type TokenVerifier } from '@herald/auth';
import { AppError, type HttpServer } from '@herald/runtime';
import { decodeCursor } from '../domain/cursor.js';
import type { FeedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { readFeed } from '../domain/read-feed.js';

export const FeedParams = z.strictObject({ id: Id });

export const FeedQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** `nextCursor` of the previous page. */
  cursor: z
    .string()
    .transform((text, ctx) => {
      const cursor = decodeCursor(text);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'malformed cursor' });
      return cursor ?? z.NEVER;
    })
    .optional(),
});

export const FeedItem = z.object({
  eventId: z.string(),
  workspaceId: z.string(),
  type: z.string(),
  actor: z.object({ userId: z.string(), name: z.string() }),
  summary: z.string(),
  subject: z.object({ taskId: z.string(), key: z.string(), title: z.string() }).optional(),
  at: z.iso.datetime(),
});

export const FeedPageBody = z.object({
  items: z.array(FeedItem),
  nextCursor: z.string().nullable(),
});

function feedItem(entry: FeedEntry): z.infer<typeof FeedItem> {
  return { ...entry, at: entry.at.toISOString() };
}

/** `GET /workspaces/:id/activity`: a workspace's feed, newest first, for its members. */
export function feedRoutes(app: HttpServer, ports: ActivityPorts, verifier: TokenVerifier): void {
  // Authentication comes before validation: a caller without a valid token learns nothing else.
  const callers = new WeakMap<object, AccessClaims>();
  app.get(
    '/workspaces/:id/activity',
    {
      schema: { params: FeedParams, querystring: FeedQuery, response: { 200: FeedPageBody } },
      onRequest: async (request) => {
        callers.set(request, await callerOf(request.headers, verifier));
      },
    },
    async (request) => {
      const caller = callers.get(request);
      if (!caller) throw new AppError('unauthorized', 'missing bearer token');
      const page = await readFeed(
        {
          workspaceId: request.params.id,
          callerId: caller.userId,
          limit: request.query.limit,
          ...(request.query.cursor && { after: request.query.cursor }),
        },
        ports,
      );
      return { items: page.items.map(feedItem), nextCursor: page.nextCursor };
    },
  );
}
