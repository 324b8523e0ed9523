import { createHash } from 'node:crypto';

/** Secrets (refresh and invite tokens) are stored as their sha256: a database leak yields no usable token. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
