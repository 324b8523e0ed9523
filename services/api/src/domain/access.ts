import { AppError } from '@herald/errors';
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
 * The caller's membership check plus the members among the users with one of `handles`, for a
 * write about something of the workspace that names a few members (a comment on its task and the
 * comment's mentions). Every membership is read by its `_id` (`<workspaceId>:<userId>`) instead of
 * listing the workspace's members, so the cost follows the handles written, not the size of the
 * workspace or of the store. The workspace itself is not read: the caller's task names it, and
 * nothing deletes a workspace or a membership, so a member's workspace exists.
 */
export async function requireMemberAmong(
  workspaceId: string,
  userId: string,
  handles: readonly string[],
  ports: Pick<ApiPorts, 'memberships' | 'users'>,
): Promise<Person[]> {
  const [membership, users] = await Promise.all([
    ports.memberships.get(workspaceId, userId),
    ports.users.byHandles(handles),
  ]);
  if (!membership) throw new AppError('forbidden', 'you are not a member of this workspace');
  const joined = await Promise.all(users.map((u) => ports.memberships.get(workspaceId, u.id)));
  return users.filter((_, i) => joined[i]).map(personOf);
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
