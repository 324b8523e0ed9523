/** Something with a place in its user's sequence (1, 2, 3… without gaps). */
export interface Sequenced {
  readonly seq: number;
}

/** Where a cursor writes: one stream's client. */
export interface CursorOutput<T extends Sequenced> {
  item(item: T): void;
  /** Nothing to send, but the client resumes from `seq` (the SSE id) if it reconnects. */
  position(seq: number): void;
  /** Seqs above `after` up to `until` will not be sent; the client reads them from the inbox. */
  skipped(after: number, until: number): void;
}

export interface LiveCursorOptions<T extends Sequenced> {
  /** Stored items with a seq above `afterSeq`, lowest first, at most `limit`. */
  readonly read: (afterSeq: number, limit: number) => Promise<readonly T[]>;
  /** The highest stored seq (0 for none). */
  readonly latest: () => Promise<number>;
  readonly output: CursorOutput<T>;
  /** The store could not be read: the stream ends and the client resumes from its last id. */
  readonly onError: (error: unknown) => void;
  /** A reconnecting client gets at most this many of the items it missed (the newest). */
  readonly replayLimit: number;
  /** Items per store read while catching up. */
  readonly pageSize?: number;
}

/**
 * One stream's position in its user's sequence. It sends every seq once, in increasing order:
 * live items as they come, and whatever comes before them from the store. Seqs are dense and
 * numbered only once the previous is stored, so a live item N means 1…N-1 are all readable, and a
 * gap (a live message that went elsewhere or was lost) is filled by reading the store first.
 */
export class LiveCursor<T extends Sequenced> {
  readonly #options: LiveCursorOptions<T>;
  readonly #pending = new Map<number, T>();
  /** The seq to send next; undefined until `open` has placed the cursor. */
  #next: number | undefined;
  /** The highest seq known to be stored. */
  #target = 0;
  #pumping = false;
  #closed = false;

  constructor(options: LiveCursorOptions<T>) {
    this.#options = options;
  }

  /**
   * Places the cursor after `lastEventId` (a reconnect) or at the newest stored seq (a new
   * stream). Subscribe first and open after, so nothing stored in between goes unseen.
   */
  async open(lastEventId?: number): Promise<void> {
    const { output, replayLimit } = this.#options;
    let latest: number;
    try {
      latest = await this.#options.latest();
    } catch (error) {
      this.#options.onError(error);
      return;
    }
    if (this.#closed) return;
    if (lastEventId === undefined || lastEventId >= latest) {
      // A new stream starts now; one ahead of the store (another database) starts over from now.
      this.#moveTo(latest + 1);
      if (lastEventId !== latest) output.position(latest);
    } else if (latest - lastEventId > replayLimit) {
      const until = latest - replayLimit;
      output.skipped(lastEventId, until);
      this.#moveTo(until + 1);
    } else {
      this.#moveTo(lastEventId + 1);
    }
    this.#raise(latest);
  }

  /** A live item: sent in order, after whatever precedes it (read from the store if missed). */
  offer(item: T): void {
    if (this.#closed || (this.#next !== undefined && item.seq < this.#next)) return;
    this.#pending.set(item.seq, item);
    this.#raise(item.seq);
  }

  /** Sends whatever the store holds beyond the cursor (after live messages may have been lost). */
  catchUp(): void {
    this.#options.latest().then(
      (latest) => this.#raise(latest),
      (error: unknown) => this.#options.onError(error),
    );
  }

  close(): void {
    this.#closed = true;
    this.#pending.clear();
  }

  #raise(seq: number): void {
    this.#target = Math.max(this.#target, seq);
    if (this.#next === undefined || this.#pumping || this.#closed) return;
    this.#pumping = true;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    const { read, output, pageSize = 100 } = this.#options;
    try {
      while (!this.#closed && this.#next !== undefined && this.#next <= this.#target) {
        const next: number = this.#next;
        const live = this.#pending.get(next);
        if (live) {
          this.#send(live);
          continue;
        }
        const rows = await read(next - 1, Math.min(pageSize, this.#target - next + 1));
        if (this.#closed) return;
        const first = rows[0]?.seq;
        if (first === undefined || first > next) {
          // The store lacks what it should hold (deleted by hand?): say so rather than stall.
          const until = (first ?? this.#target + 1) - 1;
          output.skipped(next - 1, until);
          this.#moveTo(until + 1);
          continue;
        }
        for (const row of rows) {
          if (row.seq !== this.#next) break;
          this.#send(row);
        }
      }
    } catch (error) {
      this.#options.onError(error);
    } finally {
      // In the same step as the last check of the loop: an item raised after it starts a new pump.
      this.#pumping = false;
    }
  }

  #send(item: T): void {
    this.#moveTo(item.seq + 1);
    this.#options.output.item(item);
  }

  #moveTo(next: number): void {
    this.#next = next;
    for (const seq of this.#pending.keys()) if (seq < next) this.#pending.delete(seq);
  }
}
