// Open-loop load: send i starts at i/rate seconds whether or not earlier ones have finished, the way
// independent users arrive. A closed loop (next send after the last answer) slows down with the
// server and so hides its queueing: the "coordinated omission" that makes p99 look better than it is.
import { setTimeout as sleep } from 'node:timers/promises';

/** When send `i` is due, in ms after the start, at `rate` sends per second. */
export function scheduledAt(i: number, rate: number): number {
  return (i * 1_000) / rate;
}

/** How many of `count` sends are due `elapsedMs` after the start (send 0 is due at once). */
export function dueBy(elapsedMs: number, rate: number, count: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(count, Math.floor((elapsedMs * rate) / 1_000) + 1);
}

export interface OpenLoopRun {
  /** Per send, in send order: ms from when it was due (not when it started) to when it finished. */
  readonly latenciesMs: readonly number[];
  /** From the first send being due to the last one finishing. */
  readonly seconds: number;
  /** The most a send started after it was due: large values mean this process fell behind. */
  readonly maxStartLagMs: number;
}

/**
 * Starts `send(i)` for i = 0..count-1 on the open-loop schedule and waits for all of them. The first
 * failure stops further sends and is thrown once those in flight have settled.
 */
export async function openLoop(options: {
  readonly rate: number;
  readonly count: number;
  readonly send: (i: number) => Promise<unknown>;
}): Promise<OpenLoopRun> {
  const { rate, count, send } = options;
  if (!(rate > 0)) throw new Error(`open loop: rate must be positive, got ${rate}`);
  const latencies = new Array<number>(count).fill(Number.NaN);
  const settled: Promise<void>[] = [];
  let failure: { readonly error: unknown } | undefined;
  let maxStartLagMs = 0;
  let next = 0;
  const start = performance.now();
  while (next < count && !failure) {
    const now = performance.now();
    for (const due = dueBy(now - start, rate, count); next < due; next++) {
      const i = next;
      const at = start + scheduledAt(i, rate);
      maxStartLagMs = Math.max(maxStartLagMs, now - at);
      // Handled at once: a rejection must not wait for the end unobserved (an unhandled rejection).
      settled.push(
        send(i).then(
          () => void (latencies[i] = performance.now() - at),
          (error: unknown) => void (failure ??= { error }),
        ),
      );
    }
    if (next < count) await sleep(Math.max(0, start + scheduledAt(next, rate) - performance.now()));
  }
  await Promise.all(settled);
  if (failure) throw failure.error;
  return {
    latenciesMs: latencies,
    seconds: (performance.now() - start) / 1_000,
    maxStartLagMs,
  };
}
