import type { Cron } from 'croner';
import type { Logger } from '@herald/runtime';
import type { EmitSlot, SlotLedger, SlotRecord } from './ports.js';
import type { Schedule } from './schedule.js';
import { compile, plan } from './slots.js';

export interface FiringOptions {
  readonly schedules: readonly Schedule[];
  readonly ledger: SlotLedger;
  readonly emit: EmitSlot;
  readonly leader: {
    leading(): boolean;
    confirm(): Promise<boolean>;
    readonly lease: { readonly token: number } | undefined;
  };
  readonly now: () => Date;
  readonly logger: Logger;
  /** `skip` schedules still fire a slot this late. */
  readonly graceMs: number;
  /** `catch-up` fires at most this many missed slots per schedule. */
  readonly maxCatchUp: number;
}

export interface ScheduleStatus {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly misfire: string;
  readonly nextFireAt: string | null;
  readonly lastSlot: string | null;
}

/**
 * Turns schedules into slots while this replica leads. Every slot is claimed in the ledger before
 * it is published and marked after the broker confirms, so a crash at any point leaves a record
 * that the next leader publishes again under the same event id.
 */
export class Firing {
  readonly #options: FiringOptions;
  readonly #crons: Map<string, Cron>;
  readonly #cursors = new Map<string, Date>();
  #pending: SlotRecord[] = [];
  #leaderSince: Date | undefined;
  #fired = 0;

  constructor(options: FiringOptions) {
    this.#options = options;
    this.#crons = new Map(options.schedules.map((s) => [s.name, compile(s)]));
  }

  get fired(): number {
    return this.#fired;
  }

  /** On taking the lease: forget what the last term knew and pick up what it left unpublished. */
  async onLeadership(now: Date): Promise<void> {
    this.#cursors.clear();
    this.#leaderSince = now;
    this.#pending = await this.#options.ledger.unpublished();
  }

  async tick(): Promise<void> {
    const { leader, ledger, now, logger } = this.#options;
    if (!leader.leading()) return;
    await this.#flushPending();
    for (const schedule of this.#options.schedules) {
      if (!leader.leading()) return;
      const cron = this.#crons.get(schedule.name)!;
      const after =
        this.#cursors.get(schedule.name) ??
        (await ledger.lastSlot(schedule.name)) ??
        this.#leaderSince ??
        now();
      const decided = plan(cron, schedule.misfire, after, now(), this.#options);
      if (decided.skipped)
        logger.warn(
          { schedule: schedule.name, policy: schedule.misfire },
          'missed slots not fired',
        );
      for (const slot of decided.fire) {
        if (!(await this.#fire(schedule.name, slot))) return;
      }
      this.#cursors.set(schedule.name, decided.cursor);
    }
  }

  status(now: Date): ScheduleStatus[] {
    return this.#options.schedules.map((s) => ({
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      misfire: s.misfire,
      nextFireAt: this.#crons.get(s.name)?.nextRun(now)?.toISOString() ?? null,
      lastSlot: this.#cursors.get(s.name)?.toISOString() ?? null,
    }));
  }

  /** Claims, confirms leadership, publishes. False when leadership was lost (stop the round). */
  async #fire(schedule: string, slot: Date): Promise<boolean> {
    const { leader, ledger, now } = this.#options;
    const token = leader.lease?.token;
    if (token === undefined) return false;
    const { record } = await ledger.claim(schedule, slot, token, now());
    if (record.published) return true;
    if (!(await leader.confirm())) return false;
    await this.#publish(record);
    return true;
  }

  async #flushPending(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    for (const record of pending) {
      if (!(await this.#options.leader.confirm())) {
        this.#pending.push(record);
        return;
      }
      await this.#publish(record);
    }
  }

  async #publish(record: SlotRecord): Promise<void> {
    try {
      await this.#options.emit(record);
      await this.#options.ledger.markPublished(record.schedule, record.slot, this.#options.now());
      this.#fired++;
    } catch (error) {
      // The ledger keeps it unpublished; the next round tries again with the same event id.
      this.#options.logger.warn(
        { err: error, schedule: record.schedule, slot: record.slot },
        'slot not published yet',
      );
      this.#pending.push(record);
    }
  }
}
