import { pino } from 'pino';
import type { Consumer, Outcome } from '@herald/bus';
import type { EventType } from '@herald/contracts';

/** Logs only at the level tests ask for (TEST_LOG_LEVEL), so failures can be debugged on demand. */
export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Polls `probe` until it returns a value that is not undefined/false, or fails with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Collects a consumer's outcomes and lets a test await the ones it expects. */
export function recordOutcomes<T extends EventType>(consumer: Consumer<T>) {
  const seen: Outcome[] = [];
  consumer.onOutcome((o) => seen.push(o));
  return {
    seen,
    until(what: string, predicate: (all: Outcome[]) => boolean, timeoutMs?: number) {
      return eventually(what, () => predicate(seen), timeoutMs);
    },
  };
}
