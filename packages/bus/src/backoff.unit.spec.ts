import { getEventListeners } from 'node:events';
import { expect, it } from 'vitest';
import { reconnectDelay, sleep } from './backoff.js';

it('sleeps leave no abort listener behind, however many reconnect attempts share the signal', async () => {
  const stopped = new AbortController();
  for (let i = 0; i < 20; i++) await sleep(1, stopped.signal);
  expect(getEventListeners(stopped.signal, 'abort')).toHaveLength(0);
});

it('an abort ends a long sleep at once', async () => {
  const stopped = new AbortController();
  const started = Date.now();
  const sleeping = sleep(60_000, stopped.signal);
  stopped.abort();
  await sleeping;
  expect(Date.now() - started).toBeLessThan(1_000);
});

it('reconnect delays stay within half to all of the capped exponential ceiling', () => {
  for (let attempt = 0; attempt < 12; attempt++) {
    const ceiling = Math.min(10_000, 200 * 2 ** attempt);
    const delay = reconnectDelay(attempt, 200, 10_000);
    expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
    expect(delay).toBeLessThanOrEqual(ceiling);
  }
});
