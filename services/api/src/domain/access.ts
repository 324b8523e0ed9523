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

/**
 * `requireMember` plus every member, for writes whose events name members: the caller's membership
 * is checked in the member list, so the store is read once for both (each read is a round trip
 * the request waits for).
 */
export async function requireMemberWithMembers(
  workspaceId: string,
  userId: string,
  ports: Pick<ApiPorts, 'workspaces' | 'memberships' | 'users'>,
): Promise<{ workspace: Workspace; members: Map<string, Person & { membership: Membership }> }> {
  const [workspace, memberships] = await Promise.all([
    ports.workspaces.byId(workspaceId),
    ports.memberships.ofWorkspace(workspaceId),
  ]);
  if (!workspace) throw new AppError('notFound', `no workspace ${workspaceId}`);
  if (!memberships.some((m) => m.userId === userId)) {
    throw new AppError('forbidden', 'you are not a member of this workspace');
  }
  return { workspace, members: await withPeople(memberships, ports) };
}

/** Every member with what events need to reach them, keyed by user id. */
export async function membersOf(
  workspaceId: string,
  ports: Pick<ApiPorts, 'memberships' | 'users'>,
): Promise<Map<string, Person & { membership: Membership }>> {
  return withPeople(await ports.memberships.ofWorkspace(workspaceId), ports);
}

async function withPeople(
  memberships: readonly Membership[],
  ports: Pick<ApiPorts, 'users'>,
): Promise<Map<string, Person & { membership: Membership }>> {
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
