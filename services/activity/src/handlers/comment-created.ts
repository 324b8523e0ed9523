import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

/** A comment is one entry however many people it mentions; mentions tell us members' e-mails. */
export async function onCommentCreated(
  event: Event<'comment.created'>,
  ports: ActivityPorts,
): Promise<void> {
  const { workspaceId, author, mentions } = event.data;
  await ports.feed.record(
    feedEntry(event, {
      workspaceId,
      actor: author,
      summary: summarize.commentCreated(event.data),
      subject: event.data,
    }),
  );
  await ports.members.rememberEmails(workspaceId, mentions);
}
