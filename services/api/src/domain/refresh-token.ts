/**
 * A refresh token as stored: only the sha256 of the secret. Tokens of one login form a family; each
 * refresh spends one token and issues its successor, whose `parent` is the spent token's hash.
 */
export interface RefreshToken {
  readonly hash: string;
  readonly userId: string;
  readonly familyId: string;
  /** Unique: the spent token's hash, or `login:<familyId>` for the first token of a family. */
  readonly parent: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt?: Date | undefined;
}

export const refreshTokenTtlMs = 30 * 24 * 60 * 60 * 1000;

export type PresentedToken = 'usable' | 'expired' | 'revoked';

/**
 * Whether a presented refresh token may be spent. Whether it was spent before is decided by the
 * store (the successor's unique `parent`), not here, so two concurrent refreshes cannot both pass.
 */
export function presentedToken(
  token: RefreshToken,
  familyRevoked: boolean,
  now: Date,
): PresentedToken {
  if (token.revokedAt || familyRevoked) return 'revoked';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'usable';
}
