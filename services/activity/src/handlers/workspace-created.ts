import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

/** The creator is the workspace's first member (with the e-mail digests go to); the creation opens its feed. */
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
    ...(owner.email && { email: owner.email }),
    since: new Date(event.time),
  });
  // Users known from before schedules existed get theirs here (registration gives everyone else one).
  await ports.schedules.ensure(owner.userId);
  await ports.feed.record(
    feedEntry(event, {
      workspaceId,
      actor: owner,
      summary: summarize.workspaceCreated(event.data),
    }),
  );
}
