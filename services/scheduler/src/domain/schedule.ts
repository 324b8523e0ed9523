import { z } from 'zod';
import { TimeZone, type ProducedBy } from '@herald/contracts';

/**
 * What a new leader does with slots that passed while nobody led:
 * - `catch-up`: fire every missed slot (bounded), oldest first;
 * - `fire-once`: fire the latest missed slot once, standing in for all of them;
 * - `skip`: fire nothing late; only slots seen within the grace period fire.
 */
export const MisfirePolicy = z.enum(['catch-up', 'fire-once', 'skip']);
export type MisfirePolicy = z.infer<typeof MisfirePolicy>;

export const ScheduleEvent = z.enum([
  'schedule.overdue-reminders.due',
  'schedule.token-cleanup.due',
  'schedule.daily-digest.due',
  'system.heartbeat',
]) satisfies z.ZodType<ProducedBy<'scheduler'>>;

export const Schedule = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]{1,64}$/),
  /** 5 fields (minute precision) or 6 (with seconds first). */
  cron: z.string().min(9),
  /** IANA zone the cron expression is read in; DST is handled by the cron library. */
  timezone: TimeZone.default('UTC'),
  misfire: MisfirePolicy,
  event: ScheduleEvent,
});
export type Schedule = z.infer<typeof Schedule>;

/** The product's time-based work. */
export function defaultSchedules(): Schedule[] {
  return [
    {
      name: 'overdue-reminders',
      cron: '0 9 * * *',
      timezone: 'UTC',
      misfire: 'fire-once',
      event: 'schedule.overdue-reminders.due',
    },
    {
      name: 'token-cleanup',
      cron: '0 3 * * *',
      timezone: 'UTC',
      misfire: 'fire-once',
      event: 'schedule.token-cleanup.due',
    },
    {
      // Hourly: each user's digest goes out at the hour they chose, on their own clocks (the
      // activity service picks whose hour each slot is).
      name: 'daily-digest',
      cron: '0 * * * *',
      timezone: 'UTC',
      misfire: 'fire-once',
      event: 'schedule.daily-digest.due',
    },
    {
      name: 'heartbeat',
      cron: '* * * * *',
      timezone: 'UTC',
      misfire: 'skip',
      event: 'system.heartbeat',
    },
  ];
}
