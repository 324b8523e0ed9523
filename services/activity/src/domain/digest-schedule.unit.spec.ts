import { describe, expect, it } from 'vitest';
import { dueKeys, localHour, scheduleKey } from './digest-schedule.js';

describe('digest schedules', () => {
  it('reads the hour on the clocks of a time zone, daylight saving time included', () => {
    expect(localHour(new Date('2025-01-15T07:00:00Z'), 'Europe/Berlin')).toBe(8);
    expect(localHour(new Date('2025-07-15T07:00:00Z'), 'Europe/Berlin')).toBe(9);
    expect(localHour(new Date('2025-01-15T00:00:00Z'), 'UTC')).toBe(0);
    expect(localHour(new Date('2025-01-15T02:00:00Z'), 'Asia/Kolkata')).toBe(7); // 07:30
  });

  it('makes one key per time zone in use for an hourly slot', () => {
    const slot = new Date('2025-01-15T07:00:00Z');
    expect(dueKeys(slot, ['UTC', 'Europe/Berlin', 'America/New_York'])).toEqual([
      'UTC|7',
      'Europe/Berlin|8',
      'America/New_York|2',
    ]);
    expect(scheduleKey({ hour: 8, timeZone: 'Europe/Berlin' })).toBe('Europe/Berlin|8');
  });
});
