import { AppError } from '@herald/errors';
import type { MemberStore } from './ports.js';

export interface PresentMember {
  readonly userId: string;
  readonly name: string;
  /** Since when the member has had a live stream open (their earliest, on any replica). */
  readonly since: Date;
}

export interface PresencePorts {
  readonly members: Pick<MemberStore, 'isMember' | 'knows' | 'ofWorkspace'>;
  /** Users with a live stream open on a live replica, each since their earliest open one. */
  readonly online: () => Promise<ReadonlyMap<string, Date>>;
}

/**
 * The members of a workspace with a live stream open, for its members only: a workspace nobody
 * told the notifier about is unknown (404), someone else's is forbidden (403), as the API answers.
 */
export async function readPresence(
  request: { readonly workspaceId: string; readonly callerId: string },
  ports: PresencePorts,
): Promise<PresentMember[]> {
  const { workspaceId, callerId } = request;
  if (!(await ports.members.isMember(workspaceId, callerId))) {
    if (!(await ports.members.knows(workspaceId))) {
      throw new AppError('notFound', `no workspace ${workspaceId}`);
    }
    throw new AppError('forbidden', 'only members of the workspace can see who is online');
  }
  const [members, online] = await Promise.all([
    ports.members.ofWorkspace(workspaceId),
    ports.online(),
  ]);
  return members
    .flatMap(({ userId, name }) => {
      const since = online.get(userId);
      return since ? [{ userId, name, since }] : [];
    })
    .sort((a, b) => a.since.getTime() - b.since.getTime() || a.userId.localeCompare(b.userId));
}
