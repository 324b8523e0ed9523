import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@herald/store';
import type { StreamGrant, StreamTicketStore } from '../domain/stream-ticket.js';

interface TicketDoc {
  /** sha256 of the ticket. */
  _id: string;
  userId: string;
  handle: string;
  name: string;
  /** When the access token the ticket was asked with expires: the stream ends then. */
  accessExpiresAt: Date;
  expiresAt: Date;
}

interface UseDoc {
  _id: string;
  expiresAt: Date;
}

/**
 * Tickets in the store, so a stream may open on another replica than the one that issued its
 * ticket. A use is an insert behind the ticket's hash: of two replicas redeeming one ticket at
 * once, exactly one inserts (FerretDB could lose one of two concurrent updates, never an insert).
 */
export class StreamTicketsCollection implements StreamTicketStore {
  readonly #tickets: Collection<TicketDoc>;
  readonly #uses: Collection<UseDoc>;

  constructor(db: Db) {
    this.#tickets = db.collection<TicketDoc>('stream_tickets');
    this.#uses = db.collection<UseDoc>('stream_ticket_uses');
  }

  async issue(ticketHash: string, grant: StreamGrant, expiresAt: Date): Promise<void> {
    await this.#tickets.insertOne({
      _id: ticketHash,
      userId: grant.userId,
      handle: grant.handle,
      name: grant.name,
      accessExpiresAt: grant.expiresAt,
      expiresAt,
    });
  }

  async redeem(ticketHash: string, now: Date): Promise<StreamGrant | { refused: string }> {
    const ticket = await this.#tickets.findOne({ _id: ticketHash });
    if (!ticket) return { refused: 'unknown stream ticket' };
    if (ticket.expiresAt.getTime() <= now.getTime()) return { refused: 'stream ticket expired' };
    try {
      await this.#uses.insertOne({ _id: ticketHash, expiresAt: ticket.expiresAt });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return { refused: 'stream ticket already used' };
    }
    const { userId, handle, name, accessExpiresAt } = ticket;
    return { userId, handle, name, expiresAt: accessExpiresAt };
  }

  /**
   * Forgets tickets that expired before `before`. Tickets live 30 s and this runs every minute, so
   * the range filter reads a collection of about a minute's tickets.
   */
  async prune(before: Date): Promise<number> {
    const filter = { expiresAt: { $lt: before } };
    const [tickets, uses] = await Promise.all([
      this.#tickets.deleteMany(filter),
      this.#uses.deleteMany(filter),
    ]);
    return tickets.deletedCount + uses.deletedCount;
  }
}
