import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

/** An invitation is news for the workspace; the invitee becomes a member only once they join. */
export async function onWorkspaceMemberInvited(
  event: Event<'workspace.member-invited'>,
  ports: ActivityPorts,
): Promise<void> {
  const { workspaceId, invitedBy } = event.data;
  await ports.feed.record(
    feedEntry(event, {
      workspaceId,
      actor: invitedBy,
      summary: summarize.memberInvited(event.data),
    }),
  );
}
