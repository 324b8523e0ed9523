import { createHash } from 'node:crypto';

/** Addresses compare case-insensitively for dedupe; the mail still goes to the address as given. */
export function normalizeAddress(email: string): string {
  return email.trim().toLowerCase();
}

/** The sent-log key: one e-mail per (event, recipient), however often the event arrives. */
export function sentKey(eventId: string, email: string): string {
  return `${eventId}:${normalizeAddress(email)}`;
}

/**
 * Message-ID derived from (event, recipient): a resend after a crash carries the same id, so the
 * receiving side can recognise the duplicate.
 */
export function messageIdFor(eventId: string, email: string): string {
  const digest = createHash('sha256').update(sentKey(eventId, email)).digest('hex');
  return `<${digest.slice(0, 32)}@herald>`;
}
