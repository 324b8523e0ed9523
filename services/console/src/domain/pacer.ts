export interface PacerOptions {
  readonly ratePerSecond: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Spaces calls at least `1000 / ratePerSecond` ms apart: `await pacer.next()` before each unit of
 * work. The first call passes at once; time spent in the work counts towards the gap.
 */
export function createPacer(options: PacerOptions): { next(): Promise<void> } {
  const gapMs = 1_000 / options.ratePerSecond;
  let last: number | undefined;
  return {
    async next() {
      if (last !== undefined) {
        const waitMs = last + gapMs - options.now();
        if (waitMs > 0) await options.sleep(waitMs);
      }
      last = options.now();
    },
  };
}
