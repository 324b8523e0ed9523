/** An invitation of an e-mail address to a workspace. Only the hash of its token is stored. */
export interface Invite {
  readonly id: string;
  readonly workspaceId: string;
  readonly email: string;
  readonly tokenHash: string;
  readonly invitedBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export const inviteTtlMs = 7 * 24 * 60 * 60 * 1000;

/** The link an invitee opens; the web client turns it into `POST /invites/<token>/accept`. */
export function acceptUrl(publicUrl: string, token: string): string {
  return new URL(`invites/${token}/accept`, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`)
    .href;
}
