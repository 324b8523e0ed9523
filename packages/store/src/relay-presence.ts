import type { Collection, Db } from 'mongodb';

interface PresenceDoc {
  /** The relay's id, new for every process. */
  _id: string;
  seenAt: Date;
}

export interface RelayPresenceOptions {
  /** How often a running relay says it is alive. */
  readonly beatEveryMs: number;
  /** A relay not seen for this long is taken for dead, and its waiting events are adopted. */
  readonly staleAfterMs: number;
}

/**
 * Which outbox relays are alive (`outbox_relays`): one document per relay process, written only by
 * that relay (so no two writers race on it), once per `beatEveryMs`: a write per replica per
 * interval, whatever the traffic. Documents of relays dead for a long while are deleted, so the
 * collection holds about one document per running replica.
 */
export class RelayPresence {
  readonly id: string;
  readonly #collection: Collection<PresenceDoc>;
  readonly #options: RelayPresenceOptions;
  /** When this relay's last beat was stored. */
  #beatAt: number | undefined;
  #beating: Promise<void> | undefined;

  constructor(db: Db, id: string, options: RelayPresenceOptions) {
    this.id = id;
    this.#collection = db.collection<PresenceDoc>('outbox_relays');
    this.#options = options;
  }

  get options(): RelayPresenceOptions {
    return this.#options;
  }

  /** Records that this relay is alive; calls made while one is on its way share it. */
  beat(now: Date): Promise<void> {
    this.#beating ??= this.#collection
      .updateOne({ _id: this.id }, { $set: { seenAt: now } }, { upsert: true })
      .then(() => {
        this.#beatAt = now.getTime();
      })
      .finally(() => {
        this.#beating = undefined;
      });
    return this.#beating;
  }

  /**
   * Whether the others still take this relay for alive, with a margin of half the stale time: a
   * relay whose beats have not been stored lately must stop acting on its waiting events before
   * another one adopts them.
   */
  trusted(now: number): boolean {
    return this.#beatAt !== undefined && now - this.#beatAt < this.#options.staleAfterMs / 2;
  }

  /** The relays seen within the stale time, this one included; forgets those dead ten times as long. */
  async live(now: Date): Promise<string[]> {
    const since = now.getTime() - this.#options.staleAfterMs;
    const docs = await this.#collection.find({}, { projection: { seenAt: 1 } }).toArray();
    const long = docs.filter(
      (d) => d.seenAt.getTime() < now.getTime() - 10 * this.#options.staleAfterMs,
    );
    if (long.length > 0)
      await this.#collection.deleteMany({ _id: { $in: long.map((d) => d._id) } });
    return docs.filter((d) => d.seenAt.getTime() >= since).map((d) => d._id);
  }
}
