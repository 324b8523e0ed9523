import { z } from 'zod';
import { Actor, Id, Recipient } from './common.js';

export const WorkspaceCreated = z.object({
  workspaceId: Id,
  name: z.string().min(1).max(200),
  /** The e-mail lets the activity service send the creator digests; older events carry none. */
  owner: Actor.extend({ email: z.email().optional() }),
});
export type WorkspaceCreated = z.infer<typeof WorkspaceCreated>;

export const WorkspaceMemberInvited = z.object({
  workspaceId: Id,
  workspaceName: z.string().min(1).max(200),
  inviteId: Id,
  email: z.email(),
  /** The link the invitee opens; it embeds the single-use invite token. */
  acceptUrl: z.url(),
  invitedBy: Actor,
  /**
   * Set when the invitee has an account whose address is verified, so the notifier can reach them
   * in-app (an unverified account may belong to someone else than the address's owner).
   */
  existingUserId: Id.optional(),
});
export type WorkspaceMemberInvited = z.infer<typeof WorkspaceMemberInvited>;

export const WorkspaceMemberJoined = z.object({
  workspaceId: Id,
  workspaceName: z.string().min(1).max(200),
  member: Recipient,
});
export type WorkspaceMemberJoined = z.infer<typeof WorkspaceMemberJoined>;
