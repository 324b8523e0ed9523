/** The lease as stored: who leads, until when, and the fencing token that only ever grows. */
export interface Lease {
  readonly holder: string;
  readonly token: number;
  readonly expiresAt: Date;
}

export interface LeaseStore {
  /** Takes the lease if it is free or expired (token + 1), or renews it if already ours. */
  acquire(holder: string, now: Date, ttlMs: number): Promise<Lease | undefined>;
  /** Extends our lease; undefined when it is no longer ours (expired, or taken with a new token). */
  renew(lease: Lease, now: Date, ttlMs: number): Promise<Lease | undefined>;
  /** Ends our lease now so another replica can take over without waiting for the TTL. */
  release(lease: Lease): Promise<void>;
  current(): Promise<Lease | undefined>;
}

/** One change of hands: the holder that took the lease with this token, and when. */
export interface LeadershipTerm {
  readonly holder: string;
  readonly token: number;
  readonly since: Date;
}

/** Who leads according to the store (any replica can answer), and the terms before. */
export interface Leadership {
  readonly lease: (Lease & { readonly since: Date | null }) | undefined;
  /** Newest first. */
  readonly terms: readonly LeadershipTerm[];
}

/** One firing of a schedule, recorded before it is published. */
export interface SlotRecord {
  readonly schedule: string;
  readonly slot: Date;
  /** Fencing token of the leader that claimed the slot. */
  readonly token: number;
  readonly published: boolean;
}

/** A ledger entry as an operator reads it. */
export interface SlotEntry extends SlotRecord {
  readonly claimedAt: Date;
  readonly publishedAt: Date | null;
}

export interface SlotLedger {
  /** Records the slot as ours, or returns the record another leader made first. */
  claim(
    schedule: string,
    slot: Date,
    token: number,
    now: Date,
  ): Promise<{ claimed: boolean; record: SlotRecord }>;
  markPublished(schedule: string, slot: Date, now: Date): Promise<void>;
  lastSlot(schedule: string): Promise<Date | undefined>;
  unpublished(): Promise<SlotRecord[]>;
  /** Drops records older than `before` (FerretDB has no TTL indexes). */
  prune(before: Date): Promise<number>;
}

/** Sends the schedule's event for a slot; throws when the broker did not confirm it. */
export type EmitSlot = (record: SlotRecord) => Promise<void>;
