import type { Event } from '@herald/contracts';
import { feedEntry } from '../domain/feed-entry.js';
import type { ActivityPorts } from '../domain/ports.js';
import { summarize } from '../domain/summaries.js';

export async function onTaskCreated(
  event: Event<'task.created'>,
  ports: ActivityPorts,
): Promise<void> {
  const { workspaceId, createdBy } = event.data;
  await ports.feed.record(
    feedEntry(event, {
      workspaceId,
      actor: createdBy,
      summary: summarize.taskCreated(event.data),
      subject: event.data,
    }),
  );
}
