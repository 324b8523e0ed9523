import { randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe (43 characters): refresh tokens and invite tokens. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
