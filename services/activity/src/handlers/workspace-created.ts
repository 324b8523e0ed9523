import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

/** The creator is the workspace's first member; the creation opens its feed. */
export async function onWorkspaceCreated(
  event: Event<'workspace.created'>,
  ports: ActivityPorts,
): Promise<void> {
  const { workspaceId, name, owner } = event.data;
  await ports.members.add({
    workspaceId,
    workspaceName: name,
    userId: owner.userId,
    name: owner.name,
    since: new Date(event.time),
  });
  await ports.feed.record(
    feedEntry(event, {
      workspaceId,
      actor: owner,
      summary: summarize.workspaceCreated(event.data),
    }),
  );
}
