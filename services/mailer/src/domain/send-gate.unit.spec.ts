import { describe, expect, it } from 'vitest';
import { createSendGate, priorityOf, type SendSlots } from './send-gate.js';

/** A clock that only moves when the gate sleeps, and a budget of `rate` sends per second. */
function fakeTime(rate?: number) {
  let nowMs = 10_000;
  const used = new Map<number, number>();
  const claims: number[] = [];
  const slots: SendSlots = {
    async claim(second) {
      claims.push(second);
      const n = used.get(second) ?? 0;
      if (rate === undefined || n >= rate) return false;
      used.set(second, n + 1);
      return true;
    },
  };
  const sleeps: number[] = [];
  return {
    slots,
    claims,
    sleeps,
    now: () => nowMs,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    advance: (ms: number) => (nowMs += ms),
  };
}

describe('priorityOf', () => {
  it('puts transactional mail first and digests last', () => {
    expect(priorityOf({})).toBe('critical');
    expect(priorityOf({ subscription: { userId: 'u', kind: 'mentioned' } })).toBe('bulk');
    expect(priorityOf({ subscription: { userId: 'u', kind: 'overdue' } })).toBe('bulk');
    expect(priorityOf({ subscription: { userId: 'u', kind: 'digest' } })).toBe('digest');
  });
});

describe('send gate', () => {
  it('lets everything through at once without a budget', async () => {
    const gate = createSendGate();
    await Promise.all([gate.acquire('digest'), gate.acquire('critical'), gate.acquire('bulk')]);
  });

  it('allows at most the budget per second, then waits for the next second', async () => {
    const time = fakeTime(2);
    const gate = createSendGate({ slots: time.slots, now: time.now, sleep: time.sleep });
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => gate.acquire('bulk').then(() => at.push(time.now()))),
    );
    expect(at.map((ms) => Math.floor(ms / 1_000))).toEqual([10, 10, 11, 11, 12]);
  });

  it('hands out sends most urgent first, oldest first among equals', async () => {
    const time = fakeTime(1);
    const gate = createSendGate({ slots: time.slots, now: time.now, sleep: time.sleep });
    const order: string[] = [];
    const waits = [
      gate.acquire('digest').then(() => order.push('digest 1')),
      gate.acquire('bulk').then(() => order.push('bulk 1')),
      gate.acquire('digest').then(() => order.push('digest 2')),
      gate.acquire('critical').then(() => order.push('critical 1')),
      gate.acquire('bulk').then(() => order.push('bulk 2')),
      gate.acquire('critical').then(() => order.push('critical 2')),
    ];
    await Promise.all(waits);
    // The first claim is still on its way to the store when the others ask: all six compete.
    expect(order).toEqual(['critical 1', 'critical 2', 'bulk 1', 'bulk 2', 'digest 1', 'digest 2']);
  });

  it('pauses every send after a throttling reply, doubling in a row and starting over after a send', async () => {
    const time = fakeTime();
    const gate = createSendGate({
      now: time.now,
      sleep: time.sleep,
      firstPauseMs: 1_000,
      maxPauseMs: 3_000,
    });
    expect(gate.throttled()).toBe(1_000);
    expect(gate.throttled()).toBe(2_000);
    expect(gate.throttled()).toBe(3_000);
    const from = time.now();
    await gate.acquire('critical');
    expect(time.now() - from).toBe(3_000);
    gate.sent();
    expect(gate.throttled()).toBe(1_000);
  });

  it("fails the waiter when the budget can't be read, and serves the next one", async () => {
    let calls = 0;
    const gate = createSendGate({
      slots: {
        claim: async () => {
          calls++;
          if (calls === 1) throw new Error('store unreachable');
          return true;
        },
      },
    });
    const first = gate.acquire('bulk');
    const second = gate.acquire('bulk');
    await expect(first).rejects.toThrow('store unreachable');
    await expect(second).resolves.toBeUndefined();
  });
});
