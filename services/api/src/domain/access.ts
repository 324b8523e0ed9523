import { AppError } from '@herald/runtime';
import type { Membership } from './membership.js';
import type { ApiPorts } from './ports.js';
import { personOf, type Person } from './user.js';
import type { Workspace } from './workspace.js';

/** The workspace, if the user is one of its members: 404 for an unknown id, 403 for an outsider. */
export async function requireMember(
  workspaceId: string,
  userId: string,
  ports: Pick<ApiPorts, 'workspaces' | 'memberships'>,
): Promise<{ workspace: Workspace; membership: Membership }> {
  const workspace = await ports.workspaces.byId(workspaceId);
  if (!workspace) throw new AppError('notFound', `no workspace ${workspaceId}`);
  const membership = await ports.memberships.get(workspaceId, userId);
  if (!membership) throw new AppError('forbidden', 'you are not a member of this workspace');
  return { workspace, membership };
}

/** Every member with what events need to reach them, keyed by user id. */
export async function membersOf(
  workspaceId: string,
  ports: Pick<ApiPorts, 'memberships' | 'users'>,
): Promise<Map<string, Person & { membership: Membership }>> {
  const memberships = await ports.memberships.ofWorkspace(workspaceId);
  const users = new Map(
    (await ports.users.byIds(memberships.map((m) => m.userId))).map((u) => [u.id, u]),
  );
  const members = new Map<string, Person & { membership: Membership }>();
  for (const membership of memberships) {
    const user = users.get(membership.userId);
    if (user) members.set(user.id, { ...personOf(user), membership });
  }
  return members;
}
