import { createHmac } from 'node:crypto';
import { z } from 'zod';

/** What a single-use e-mail link is for; part of the MAC, so a token of one never fits the other. */
export type LinkPurpose = 'verify-email' | 'reset-password';

/** The label keeps these MACs apart from any other made with the same secret. */
const label = 'herald-link.v1.';

/**
 * The token of an e-mailed link: `base64url(HMAC-SHA256(secret, purpose + ':' + tokenId))`, 43
 * characters. The API derives it to store its hash, the mailer to build the link, so events carry
 * only the random token id: an event store or broker leak yields no usable link.
 */
export function linkToken(secret: string, purpose: LinkPurpose, tokenId: string): string {
  return createHmac('sha256', secret).update(`${label}${purpose}:${tokenId}`).digest('base64url');
}

/** A token as `linkToken` makes it, for route schemas. */
export const LinkTokenString = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'malformed link token');

/** The shared secret as an env variable: at least 32 characters (e.g. `openssl rand -base64 32`). */
export function linkTokenSecretEnv(name: string) {
  return z
    .string({ error: () => `${name} is required: the secret that derives e-mailed link tokens` })
    .min(32, `${name} must be at least 32 characters`);
}
