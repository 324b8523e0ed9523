import type { Event } from '@herald/contracts';
import type { NotifierPorts } from '../domain/ports.js';

/** The new member may see who else is online in the workspace, and be seen. */
export async function onWorkspaceMemberJoined(
  event: Event<'workspace.member-joined'>,
  ports: NotifierPorts,
): Promise<void> {
  const { workspaceId, member } = event.data;
  await ports.members.add({
    workspaceId,
    userId: member.userId,
    name: member.name,
    since: new Date(event.time),
  });
}
