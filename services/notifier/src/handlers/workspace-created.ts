import type { Event } from '@herald/contracts';
import type { NotifierPorts } from '../domain/ports.js';

/** The creator is the workspace's first member: from now on the workspace is known here. */
export async function onWorkspaceCreated(
  event: Event<'workspace.created'>,
  ports: NotifierPorts,
): Promise<void> {
  const { workspaceId, owner } = event.data;
  await ports.members.add({
    workspaceId,
    userId: owner.userId,
    name: owner.name,
    since: new Date(event.time),
  });
}
