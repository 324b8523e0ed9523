import type { AccessClaims } from '@herald/auth';
import { createEvent } from '@herald/contracts';
import { AppError } from '@herald/errors';
import { membersOf, requireMember } from './access.js';
import type { ApiPorts } from './ports.js';
import type { Person } from './user.js';
import { deriveTaskKey, type Workspace } from './workspace.js';

/** Creates a workspace with the caller as owner, and the `workspace.created` event. */
export async function createWorkspace(
  input: { readonly name: string; readonly key?: string | undefined },
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<Workspace> {
  const owner = await ports.users.byId(caller.userId);
  if (!owner) throw new AppError('unauthorized', 'your account no longer exists');
  const now = ports.now();
  const workspace: Workspace = {
    id: ports.newId(),
    name: input.name,
    key: input.key ?? deriveTaskKey(input.name, await keysOf(caller.userId, ports)),
    createdBy: caller.userId,
    createdAt: now,
  };
  // Membership first: a crash in between leaves a membership of a workspace that does not exist
  // (unreachable, harmless); the other order would leave a workspace nobody may enter.
  await ports.memberships.add(
    { workspaceId: workspace.id, userId: caller.userId, role: 'owner', joinedAt: now },
    [],
  );
  const event = createEvent(
    'workspace.created',
    {
      workspaceId: workspace.id,
      name: workspace.name,
      owner: { userId: caller.userId, name: caller.name, email: owner.email },
    },
    'api',
    { time: now },
  );
  await ports.workspaces.create(workspace, [event]);
  return workspace;
}

export interface Member extends Person {
  readonly role: string;
  readonly joinedAt: Date;
}

/** The members of a workspace the caller belongs to, earliest first. */
export async function listMembers(
  workspaceId: string,
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<Member[]> {
  await requireMember(workspaceId, caller.userId, ports);
  return [...(await membersOf(workspaceId, ports)).values()]
    .map(({ membership, ...person }) => ({
      ...person,
      role: membership.role,
      joinedAt: membership.joinedAt,
    }))
    .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
}

/** The task key prefixes of the user's workspaces, so a new one can differ from them. */
async function keysOf(userId: string, ports: ApiPorts): Promise<Set<string>> {
  const ids = await ports.memberships.workspaceIdsOf(userId);
  return new Set((await ports.workspaces.byIds(ids)).map((w) => w.key));
}
