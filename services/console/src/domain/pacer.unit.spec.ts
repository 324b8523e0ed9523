import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.js';

function fakeClock() {
  let time = 1_000;
  const slept: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      slept.push(ms);
      time += ms;
    },
    advance: (ms: number) => (time += ms),
    slept,
  };
}

describe('pacer', () => {
  it('lets the first call through and spaces the next ones by 1000 / rate ms', async () => {
    const clock = fakeClock();
    const pacer = createPacer({ ratePerSecond: 4, ...clock });
    for (let i = 0; i < 4; i++) await pacer.next();
    expect(clock.slept).toEqual([250, 250, 250]);
  });

  it('counts the time the work took towards the gap', async () => {
    const clock = fakeClock();
    const pacer = createPacer({ ratePerSecond: 10, ...clock });
    await pacer.next();
    clock.advance(60);
    await pacer.next();
    clock.advance(500);
    await pacer.next();
    expect(clock.slept).toEqual([40]);
  });
});
