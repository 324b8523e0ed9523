import { createHash, randomBytes } from 'node:crypto';
import type { VerifiedAccess } from '@herald/auth';
import { AppError } from '@herald/errors';

/** How long a ticket may wait to be used: long enough to open an EventSource, no longer. */
export const streamTicketTtlMs = 30_000;

/** What a ticket stands for: the caller who asked for it and when their access token expires. */
export type StreamGrant = VerifiedAccess;

/** Where tickets are kept, by hash, for every replica to redeem. */
export interface StreamTicketStore {
  issue(ticketHash: string, grant: StreamGrant, expiresAt: Date): Promise<void>;
  /**
   * Marks the ticket used, once: the grant of a ticket used for the first time and unexpired at
   * `now`, else why not.
   */
  redeem(ticketHash: string, now: Date): Promise<StreamGrant | { readonly refused: string }>;
}

/** Only a hash is stored: the store's contents open no stream. */
export function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

/**
 * A single-use ticket for `GET /notifications/stream?ticket=`, so the access token itself never
 * travels in a URL (EventSource cannot send headers). It expires after `streamTicketTtlMs`, or with
 * the access token if that is sooner.
 */
export async function issueStreamTicket(
  caller: VerifiedAccess,
  ports: { readonly tickets: StreamTicketStore; readonly now: () => Date },
): Promise<{ ticket: string; expiresAt: Date }> {
  const ticket = randomBytes(32).toString('base64url');
  const expiresAt = new Date(
    Math.min(ports.now().getTime() + streamTicketTtlMs, caller.expiresAt.getTime()),
  );
  await ports.tickets.issue(ticketHash(ticket), caller, expiresAt);
  return { ticket, expiresAt };
}

/** The caller a ticket stands for; 401 for an unknown, expired or used one. */
export async function redeemStreamTicket(
  ticket: string,
  ports: { readonly tickets: StreamTicketStore; readonly now: () => Date },
): Promise<VerifiedAccess> {
  const redeemed = await ports.tickets.redeem(ticketHash(ticket), ports.now());
  if ('refused' in redeemed) throw new AppError('unauthorized', redeemed.refused);
  return redeemed;
}
