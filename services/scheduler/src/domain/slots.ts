import { Cron } from 'croner';
import type { MisfirePolicy, Schedule } from './schedule.js';

/** A compiled cron expression; throws on an invalid expression or time zone. */
export function compile(schedule: Schedule): Cron {
  // Fails on an unknown zone, which the cron library would otherwise read as UTC.
  new Intl.DateTimeFormat('en', { timeZone: schedule.timezone });
  return new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
}

/** Slots s with after < s <= now, oldest first, at most `limit`. */
export function slotsBetween(cron: Cron, after: Date, now: Date, limit: number): Date[] {
  const slots: Date[] = [];
  let next = cron.nextRun(after);
  while (next && next.getTime() <= now.getTime() && slots.length < limit) {
    slots.push(next);
    next = cron.nextRun(next);
  }
  return slots;
}

/** The most recent slot s with after < s <= now, found without walking every slot in between. */
export function latestSlot(cron: Cron, after: Date, now: Date): Date | undefined {
  const [latest] = cron.previousRuns(1, new Date(now.getTime() + 1));
  return latest && latest.getTime() > after.getTime() ? latest : undefined;
}

export interface Plan {
  /** Slots to fire now, oldest first. */
  readonly fire: Date[];
  /** Where the next plan starts: every slot up to here has been decided. */
  readonly cursor: Date;
  /** Whether missed slots were passed over by the misfire policy. */
  readonly skipped: boolean;
}

/**
 * Decides which slots in (after, now] fire. Pure: the same inputs give the same plan on every
 * replica, which is what lets a new leader resume where the old one stopped. `catch-up` works
 * through a long outage in batches of `maxCatchUp`, oldest first, so no slot is ever passed over.
 */
export function plan(
  cron: Cron,
  policy: MisfirePolicy,
  after: Date,
  now: Date,
  options: { readonly graceMs: number; readonly maxCatchUp: number },
): Plan {
  if (policy === 'catch-up') {
    const fire = slotsBetween(cron, after, now, options.maxCatchUp);
    return { fire, cursor: fire.at(-1) ?? after, skipped: false };
  }
  const latest = latestSlot(cron, after, now);
  if (!latest) return { fire: [], cursor: after, skipped: false };
  const missedBefore = slotsBetween(cron, after, latest, 1).some(
    (s) => s.getTime() < latest.getTime(),
  );
  const onTime = now.getTime() - latest.getTime() <= options.graceMs;
  const fire = policy === 'fire-once' || onTime ? [latest] : [];
  return { fire, cursor: latest, skipped: missedBefore || fire.length === 0 };
}
