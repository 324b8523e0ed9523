import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

/** The new member may read the feed from now on, and the workspace sees them arrive. */
export async function onWorkspaceMemberJoined(
  event: Event<'workspace.member-joined'>,
  ports: ActivityPorts,
): Promise<void> {
  const { workspaceId, workspaceName, member } = event.data;
  await ports.members.add({
    workspaceId,
    workspaceName,
    userId: member.userId,
    name: member.name,
    email: member.email,
    since: new Date(event.time),
  });
  // Users known from before schedules existed get theirs here (registration gives everyone else one).
  await ports.schedules.ensure(member.userId);
  await ports.feed.record(
    feedEntry(event, { workspaceId, actor: member, summary: summarize.memberJoined(event.data) }),
  );
}
