export type Role = 'owner' | 'member';

/**
 * One person in one workspace. A record of its own (id `<workspaceId>:<userId>`), not an array in
 * the workspace: inserting it is atomic and unique even on FerretDB, which has no atomic updates.
 */
export interface Membership {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: Role;
  readonly joinedAt: Date;
  /** The invite this membership came from; a membership with it means the invite is spent. */
  readonly inviteId?: string | undefined;
}
