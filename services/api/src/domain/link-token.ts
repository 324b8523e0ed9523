import { linkToken, type LinkPurpose } from '@herald/auth';
import { createEvent } from '@herald/contracts';
import { AppError } from '@herald/errors';
import type { PendingEvent } from '@herald/store';
import type { ApiPorts } from './ports.js';
import { hashSecret } from './secret.js';
import { personOf, type User } from './user.js';

/** A single-use e-mailed link's token as stored: its sha256 only, never the token. */
export interface LinkTokenRecord {
  readonly hash: string;
  readonly tokenId: string;
  readonly purpose: LinkPurpose;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

const hourMs = 60 * 60 * 1000;

/** How long each link works: a day to verify an address, an hour to reset a password. */
export const linkTokenTtlMs: Record<LinkPurpose, number> = {
  'verify-email': 24 * hourMs,
  'reset-password': hourMs,
};

const requestedEvent = {
  'verify-email': 'user.email-verification-requested',
  'reset-password': 'user.password-reset-requested',
} as const;

/**
 * Mints a token for `user` and the event that asks the mailer to send its link. The event names the
 * token by a random id; the token itself is derived from that id with the link secret.
 */
export function newLinkToken(
  purpose: LinkPurpose,
  user: User,
  ports: ApiPorts,
): { record: LinkTokenRecord; event: PendingEvent } {
  const tokenId = ports.newId();
  const now = ports.now();
  const expiresAt = new Date(now.getTime() + linkTokenTtlMs[purpose]);
  const record: LinkTokenRecord = {
    hash: hashSecret(linkToken(ports.linkTokenSecret, purpose, tokenId)),
    tokenId,
    purpose,
    userId: user.id,
    createdAt: now,
    expiresAt,
  };
  const { userId, email, name } = personOf(user);
  const event = createEvent(
    requestedEvent[purpose],
    { user: { userId, email, name }, tokenId, expiresAt: expiresAt.toISOString() },
    'api',
    { time: now },
  );
  return { record, event };
}

/**
 * Spends a presented token: unknown (or made for the other purpose) is 404, expired or spent
 * before is 410. Spending inserts a record under the token's hash, so of two concurrent uses one
 * gets the duplicate key and is refused.
 */
export async function spendLinkToken(
  purpose: LinkPurpose,
  token: string,
  ports: ApiPorts,
): Promise<LinkTokenRecord> {
  const record = await ports.linkTokens.byHash(hashSecret(token));
  if (!record || record.purpose !== purpose) {
    throw new AppError('notFound', 'unknown link: open the newest e-mail, or ask for a new one');
  }
  const now = ports.now();
  if (record.expiresAt.getTime() <= now.getTime()) {
    throw new AppError('gone', 'this link has expired');
  }
  if ((await ports.linkTokens.spend(record, now)) === 'spent-before') {
    throw new AppError('gone', 'this link has been used already');
  }
  return record;
}
