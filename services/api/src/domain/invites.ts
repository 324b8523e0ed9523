import type { AccessClaims } from '@herald/auth';
import { createEvent } from '@herald/contracts';
import { AppError } from '@herald/errors';
import { requireMember } from './access.js';
import { acceptUrl, inviteTtlMs, type Invite } from './invite.js';
import type { ApiPorts } from './ports.js';
import { hashSecret } from './secret.js';
import type { Workspace } from './workspace.js';

/** A member invites an e-mail address; the event carries the accept link for the mailer. */
export async function inviteMember(
  workspaceId: string,
  email: string,
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<Invite> {
  const { workspace } = await requireMember(workspaceId, caller.userId, ports);
  const invitee = email.toLowerCase();
  const existing = await ports.users.byEmail(invitee);
  if (existing && (await ports.memberships.get(workspaceId, existing.id))) {
    throw new AppError('conflict', `${invitee} is already a member of this workspace`);
  }
  const token = ports.newSecret();
  const now = ports.now();
  const invite: Invite = {
    id: ports.newId(),
    workspaceId,
    email: invitee,
    tokenHash: hashSecret(token),
    invitedBy: caller.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + inviteTtlMs),
  };
  const event = createEvent(
    'workspace.member-invited',
    {
      workspaceId,
      workspaceName: workspace.name,
      inviteId: invite.id,
      email: invitee,
      acceptUrl: acceptUrl(ports.publicUrl, token),
      invitedBy: { userId: caller.userId, name: caller.name },
      // Only a verified account is told in-app: an unverified one may be a squatter's.
      ...(existing?.emailVerifiedAt ? { existingUserId: existing.id } : {}),
    },
    'api',
    { time: now },
  );
  await ports.invites.create(invite, [event]);
  return invite;
}

/**
 * The invitee (signed in with the invited, verified e-mail) joins. A spent or expired invite is gone (410);
 * accepting while already a member changes nothing and publishes nothing.
 */
export async function acceptInvite(
  token: string,
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<{ workspace: Workspace; joined: boolean }> {
  const invite = await ports.invites.byTokenHash(hashSecret(token));
  if (!invite) throw new AppError('notFound', 'unknown invite');
  const user = await ports.users.byId(caller.userId);
  if (!user) throw new AppError('unauthorized', 'your account no longer exists');
  if (user.email !== invite.email) {
    throw new AppError('forbidden', 'this invite was sent to another e-mail address');
  }
  // Whoever registered the address first is not necessarily its owner until the link proves it.
  if (!user.emailVerifiedAt) {
    throw new AppError(
      'emailUnverified',
      'verify your e-mail address first: open the link of the verification e-mail',
    );
  }
  if (await ports.memberships.byInvite(invite.id)) {
    throw new AppError('gone', 'this invite has been used already');
  }
  const now = ports.now();
  if (invite.expiresAt.getTime() <= now.getTime()) {
    throw new AppError('gone', 'this invite has expired');
  }
  const workspace = await ports.workspaces.byId(invite.workspaceId);
  if (!workspace) throw new AppError('gone', 'the workspace of this invite no longer exists');

  const event = createEvent(
    'workspace.member-joined',
    {
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      member: { userId: user.id, email: user.email, name: user.name },
    },
    'api',
    { time: now },
  );
  const joined = await ports.memberships.add(
    {
      workspaceId: workspace.id,
      userId: user.id,
      role: 'member',
      joinedAt: now,
      inviteId: invite.id,
    },
    [event],
  );
  return { workspace, joined };
}
