import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { slotEventId } from './slots.js';

describe('slotEventId', () => {
  const slot = new Date('2026-11-27T09:00:00Z');

  it('is the same for the same schedule and slot, on any replica', () => {
    expect(slotEventId('overdue-reminders', slot)).toBe(
      slotEventId('overdue-reminders', new Date(slot)),
    );
  });

  it('differs per schedule and per slot', () => {
    const ids = new Set([
      slotEventId('overdue-reminders', slot),
      slotEventId('token-cleanup', slot),
      slotEventId('overdue-reminders', new Date(slot.getTime() + 1_000)),
    ]);
    expect(ids.size).toBe(3);
  });

  it('is a valid RFC 4122 version-5 UUID, as the envelope requires', () => {
    const id = slotEventId('heartbeat', slot);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('5');
  });
});
