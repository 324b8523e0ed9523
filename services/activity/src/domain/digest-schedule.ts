import type { DigestAt } from '@herald/contracts';

/** The hour of `at` on the clocks of `timeZone` (0–23). */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' })
    .formatToParts(at)
    .find((part) => part.type === 'hour')?.value;
  return Number(hour);
}

/** What the schedules are looked up by: one equality per time zone at each hourly slot. */
export function scheduleKey(at: DigestAt): string {
  return `${at.timeZone}|${at.hour}`;
}

/**
 * The keys whose digests are due at an hourly slot, one per time zone in use: the users whose
 * chosen hour is the slot's hour on their clocks. In a zone whose offset is not whole hours the
 * digest goes out at the first slot within the chosen hour (07:30 in India for 07:00); an hour a
 * daylight-saving change skips has no digest that day.
 */
export function dueKeys(slot: Date, zones: readonly string[]): string[] {
  return zones.map((timeZone) => scheduleKey({ timeZone, hour: localHour(slot, timeZone) }));
}
