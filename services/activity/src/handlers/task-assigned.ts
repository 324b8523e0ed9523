import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

/** One entry for the workspace; the assignee's e-mail is kept if they are a known member. */
export async function onTaskAssigned(
  event: Event<'task.assigned'>,
  ports: ActivityPorts,
): Promise<void> {
  const { workspaceId, assignedBy, assignee } = event.data;
  await ports.feed.record(
    feedEntry(event, {
      workspaceId,
      actor: assignedBy,
      summary: summarize.taskAssigned(event.data),
      subject: event.data,
    }),
  );
  await ports.members.rememberEmails(workspaceId, [assignee]);
}
