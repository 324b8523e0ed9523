import { AppError } from '@herald/errors';
import { encodeCursor, type FeedCursor } from './cursor.js';
import type { FeedEntry } from './feed-entry.js';
import type { ActivityPorts } from './ports.js';

export interface FeedRequest {
  readonly workspaceId: string;
  /** The authenticated caller; must be a member of the workspace. */
  readonly callerId: string;
  readonly limit: number;
  readonly after?: FeedCursor;
}

export interface FeedPage {
  readonly items: readonly FeedEntry[];
  /** Where the next page starts; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * A page of a workspace's feed, newest first, for members only. Membership is read now, at request
 * time, so entries that arrived before the membership events are shown once those arrive.
 */
export async function readFeed(request: FeedRequest, ports: ActivityPorts): Promise<FeedPage> {
  const { workspaceId, callerId, limit, after } = request;
  if (!(await ports.members.isMember(workspaceId, callerId))) {
    throw new AppError('forbidden', 'only members of the workspace can read its activity');
  }
  // One more than asked tells whether another page exists without a second query.
  const found = await ports.feed.page(workspaceId, limit + 1, after);
  const items = found.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    found.length > limit && last ? encodeCursor({ at: last.at, eventId: last.eventId }) : null;
  return { items, nextCursor };
}
