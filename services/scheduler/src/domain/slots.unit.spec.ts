import { describe, expect, it } from 'vitest';
import type { Schedule } from './schedule.js';
import { compile, plan, slotsBetween } from './slots.js';

const at = (iso: string) => new Date(iso);
const schedule = (cron: string, timezone = 'UTC'): Schedule => ({
  name: 't',
  cron,
  timezone,
  misfire: 'catch-up',
  event: 'system.heartbeat',
});
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('cron slots', () => {
  it('reads the expression in its time zone', () => {
    const nineInNewYork = compile(schedule('0 9 * * *', 'America/New_York'));
    // 09:00 EST is 14:00 UTC in winter, 13:00 UTC in summer.
    expect(
      iso(slotsBetween(nineInNewYork, at('2026-01-10T00:00:00Z'), at('2026-01-11T00:00:00Z'), 10)),
    ).toEqual(['2026-01-10T14:00:00.000Z']);
    expect(
      iso(slotsBetween(nineInNewYork, at('2026-07-10T00:00:00Z'), at('2026-07-11T00:00:00Z'), 10)),
    ).toEqual(['2026-07-10T13:00:00.000Z']);
  });

  it('fires a daily job exactly once on the day clocks spring forward, even at a time that does not exist', () => {
    // Europe/Berlin skips 02:00-03:00 on 2026-03-29.
    const cron = compile(schedule('30 2 * * *', 'Europe/Berlin'));
    const slots = slotsBetween(cron, at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'), 10);
    expect(slots).toHaveLength(2);
    expect(slots[0]!.toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST, right after the gap
    expect(slots[1]!.toISOString()).toBe('2026-03-30T00:30:00.000Z'); // 02:30 CEST
  });

  it('fires a daily job once, not twice, on the day clocks fall back', () => {
    // Europe/Berlin repeats 02:00-03:00 on 2026-10-25.
    const cron = compile(schedule('30 2 * * *', 'Europe/Berlin'));
    const slots = slotsBetween(cron, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'), 10);
    expect(slots).toHaveLength(1);
  });

  it('keeps hourly slots one real hour apart across the DST change', () => {
    const cron = compile(schedule('0 * * * *', 'Europe/Berlin'));
    const slots = slotsBetween(cron, at('2026-03-29T00:00:00Z'), at('2026-03-29T03:00:00Z'), 10);
    expect(iso(slots)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
      '2026-03-29T03:00:00.000Z',
    ]);
  });

  it('supports second-precision expressions', () => {
    const cron = compile(schedule('* * * * * *'));
    expect(
      slotsBetween(cron, at('2026-01-01T00:00:00.500Z'), at('2026-01-01T00:00:03Z'), 10),
    ).toHaveLength(3);
  });

  it('rejects an invalid expression or time zone', () => {
    expect(() => compile(schedule('61 * * * *'))).toThrow();
    expect(() => compile(schedule('0 9 * * *', 'Mars/Olympus_Mons'))).toThrow();
  });
});

describe('misfire policies', () => {
  const everyMinute = compile(schedule('* * * * *'));
  const after = at('2026-01-01T00:00:00Z');
  const now = at('2026-01-01T00:05:30Z'); // slots 00:01 .. 00:05 were missed
  const options = { graceMs: 10_000, maxCatchUp: 100 };

  it('catch-up fires every missed slot, oldest first', () => {
    const p = plan(everyMinute, 'catch-up', after, now, options);
    expect(iso(p.fire)).toEqual(
      ['00:01', '00:02', '00:03', '00:04', '00:05'].map((t) => `2026-01-01T${t}:00.000Z`),
    );
    expect(p.cursor.toISOString()).toBe('2026-01-01T00:05:00.000Z');
  });

  it('catch-up works through a long gap in bounded batches without passing over a slot', () => {
    const bounded = { ...options, maxCatchUp: 2 };
    const first = plan(everyMinute, 'catch-up', after, now, bounded);
    expect(iso(first.fire)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']);
    const second = plan(everyMinute, 'catch-up', first.cursor, now, bounded);
    const third = plan(everyMinute, 'catch-up', second.cursor, now, bounded);
    expect(iso([...second.fire, ...third.fire])).toEqual(
      ['00:03', '00:04', '00:05'].map((t) => `2026-01-01T${t}:00.000Z`),
    );
  });

  it('fire-once fires only the latest missed slot', () => {
    const p = plan(everyMinute, 'fire-once', after, now, options);
    expect(iso(p.fire)).toEqual(['2026-01-01T00:05:00.000Z']);
    expect(p.skipped).toBe(true);
  });

  it('skip fires nothing late, only a slot within the grace period', () => {
    expect(plan(everyMinute, 'skip', after, now, options).fire).toEqual([]);
    const onTime = plan(everyMinute, 'skip', after, at('2026-01-01T00:05:05Z'), options);
    expect(iso(onTime.fire)).toEqual(['2026-01-01T00:05:00.000Z']);
    expect(onTime.skipped).toBe(true);
  });

  it('fires an on-time slot without reporting a skip', () => {
    const p = plan(
      everyMinute,
      'skip',
      at('2026-01-01T00:04:00Z'),
      at('2026-01-01T00:05:01Z'),
      options,
    );
    expect(p).toEqual({
      fire: [at('2026-01-01T00:05:00Z')],
      cursor: at('2026-01-01T00:05:00Z'),
      skipped: false,
    });
  });

  it('plans nothing and keeps the cursor when no slot is due', () => {
    const p = plan(everyMinute, 'catch-up', at('2026-01-01T00:05:00Z'), now, options);
    expect(p).toEqual({ fire: [], cursor: at('2026-01-01T00:05:00Z'), skipped: false });
  });
});
