import { describe, expect, it } from 'vitest';
import { dayOf, daysBetween } from './day-buckets.js';

describe('day buckets', () => {
  it('names the UTC day of an instant', () => {
    expect(dayOf(new Date('2025-03-03T23:59:59.999Z'))).toBe('2025-03-03');
    expect(dayOf(Date.parse('2025-03-04T00:00:00Z'))).toBe('2025-03-04');
  });

  it('lists every day from the first instant to the last, both included', () => {
    expect(
      daysBetween(Date.parse('2025-02-27T12:00:00Z'), Date.parse('2025-03-02T01:00:00Z')),
    ).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(
      daysBetween(Date.parse('2025-03-03T01:00:00Z'), Date.parse('2025-03-03T02:00:00Z')),
    ).toEqual(['2025-03-03']);
  });
});
