import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

export async function onTaskStatusChanged(
  event: Event<'task.status-changed'>,
  ports: ActivityPorts,
): Promise<void> {
  const { workspaceId, changedBy } = event.data;
  await ports.feed.record(
    feedEntry(event, {
      workspaceId,
      actor: changedBy,
      summary: summarize.taskStatusChanged(event.data),
      subject: event.data,
    }),
  );
}
