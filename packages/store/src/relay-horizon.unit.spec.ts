import { describe, expect, it } from 'vitest';
import { createEvent } from '@herald/contracts';
import { RelayHorizon } from './relay-horizon.js';

const day = 86_400_000;
const now = Date.parse('2025-03-31T12:00:00Z');
const at = (daysAgo: number, n: number) =>
  createEvent(
    'user.registered',
    { userId: `u${n}`, email: `u${n}@example.test`, name: 'U', handle: `u${n}` },
    'api',
    { time: new Date(now - daysAgo * day) },
  );

describe('RelayHorizon', () => {
  const horizon = new RelayHorizon(30 * day, () => now);

  it('publishes nothing older than half the marks’ retention', () => {
    expect(horizon.horizon()).toBe(now - 15 * day);
    expect(horizon.current(at(14, 1))).toBe(true);
    expect(horizon.current(at(16, 2))).toBe(false);
  });

  it('checks the events past the horizon whose marks are kept, and drops older ones unread', () => {
    const [young, stale, gone] = [at(1, 3), at(20, 4), at(31, 5)];
    const { current, stale: toCheck } = horizon.split([young, stale, gone]);
    expect(current).toEqual([young]);
    expect(toCheck).toEqual([stale]);
  });

  it('never prunes a mark younger than the retention', () => {
    expect(horizon.pruneBefore(new Date(now)).getTime()).toBe(now - 30 * day);
    const older = new Date(now - 40 * day);
    expect(horizon.pruneBefore(older)).toEqual(older);
  });
});
