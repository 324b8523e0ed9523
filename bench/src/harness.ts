// The shape every benchmark shares: variants measured side by side, interleaved round by round
// (A-B-A-B), summarised as the median of the rounds and a ratio against the baseline variant.
import type { LatencyRow, LatencySummary } from './latency.js';

export interface Servers {
  readonly rabbitmq: string;
  readonly management: string;
  readonly mongo: string;
  readonly redis: string;
}

export interface BenchContext {
  /** Multiplies every message count and duration; 1 = the full benchmark. */
  readonly scale: number;
  /** Measured rounds per variant (the median of them is reported). */
  readonly rounds: number;
  readonly servers: Servers;
  /** Where run.sh cached the RabbitMQ PerfTest jars. */
  readonly perftestDir: string;
  /** `base` × scale, never below `min` (so quick runs still move real traffic). */
  count(base: number, min?: number): number;
  /** Registers clean-up that runs when the benchmark ends, fails or the run is interrupted. */
  defer(what: string, fn: () => Promise<unknown>): void;
  /** Progress on stderr (stdout carries only the results). */
  log(message: string): void;
}

/** One timed run of one variant. */
export interface Measurement {
  readonly msgs: number;
  readonly seconds: number;
  /** CPU time of the Node process(es) doing the work, when the variant measured it. */
  readonly cpuMs?: number;
  /** Anything else a variant wants to show (e.g. spans exported). */
  readonly details?: string;
  /** Per-message latency percentiles, for variants run at a fixed rate. */
  readonly latency?: LatencySummary;
}

export interface Variant {
  readonly name: string;
  /** false: nothing to warm up in this process (e.g. an external tool in a fresh JVM). */
  readonly warmup?: boolean;
  /** Runs once per round; round 0 is the untimed warm-up when the benchmark asks for one. */
  run(round: number): Promise<Measurement>;
}

export interface Row {
  readonly variant: string;
  readonly msgs: number;
  /** Seconds of the median round. */
  readonly seconds: number;
  /** msg/s of each round, in the order they ran. */
  readonly perRound: readonly number[];
  readonly median: number;
  /** median ÷ the baseline's median; undefined for the baseline itself. */
  readonly ratio?: number;
  /** The ratio this row must reach (>=); undefined when there is none. */
  readonly target?: number;
  readonly note?: string;
}

export interface BenchResult {
  readonly name: string;
  readonly title: string;
  /** What was compared and how, in one or two sentences. */
  readonly method: string;
  readonly rows: readonly Row[];
  /** Latency at a fixed rate (p50/p99 per round, ratio of p99s), shown after the rows. */
  readonly latencyRows?: readonly LatencyRow[];
  /** Honest caveats and conclusions, one per line. */
  readonly notes: readonly string[];
}

export interface Benchmark {
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export function rate(m: Measurement): number {
  return m.seconds > 0 ? m.msgs / m.seconds : 0;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/**
 * Runs every variant once per round, in the same order each round (A-B-A-B...), after an optional
 * untimed warm-up round, so slow drift on a shared machine hits all variants alike.
 */
export async function interleave(
  ctx: BenchContext,
  bench: string,
  variants: readonly Variant[],
  options: { readonly warmup?: boolean } = {},
): Promise<Map<string, Measurement[]>> {
  const results = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
  if (options.warmup ?? true) {
    for (const variant of variants.filter((v) => v.warmup !== false)) {
      const m = await variant.run(0);
      ctx.log(`${bench} warm-up  ${variant.name}: ${fmtRate(rate(m))} msg/s`);
    }
  }
  for (let round = 1; round <= ctx.rounds; round++) {
    for (const variant of variants) {
      const m = await variant.run(round);
      results.get(variant.name)?.push(m);
      const latency = m.latency
        ? `, p50 ${m.latency.p50.toFixed(1)} ms, p99 ${m.latency.p99.toFixed(1)} ms`
        : '';
      ctx.log(
        `${bench} round ${round}  ${variant.name}: ${m.msgs} msgs in ${m.seconds.toFixed(2)} s = ${fmtRate(rate(m))} msg/s${latency}`,
      );
    }
  }
  return results;
}

/** The row of one variant; `baseline` makes it a ratio row. */
export function summarise(
  variant: string,
  measurements: readonly Measurement[],
  options: {
    readonly baseline?: readonly Measurement[];
    readonly target?: number;
    readonly note?: string;
  } = {},
): Row {
  const rates = measurements.map(rate);
  const med = median(rates);
  const medianRound = measurements.find((m) => rate(m) === med) ?? measurements[0];
  const ratio = options.baseline ? med / median(options.baseline.map(rate)) : undefined;
  return {
    variant,
    msgs: medianRound?.msgs ?? 0,
    seconds: medianRound ? medianRound.seconds : median(measurements.map((m) => m.seconds)),
    perRound: rates,
    median: med,
    ...(ratio === undefined ? {} : { ratio }),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.note === undefined ? {} : { note: options.note }),
  };
}

export function met(row: Row): boolean | undefined {
  if (row.target === undefined || row.ratio === undefined) return undefined;
  return row.ratio >= row.target;
}

/** Median CPU microseconds per message over the rounds that measured CPU. */
export function cpuPerMessage(measurements: readonly Measurement[]): number | undefined {
  const values = measurements
    .filter((m) => m.cpuMs !== undefined && m.msgs > 0)
    .map((m) => ((m.cpuMs ?? 0) * 1_000) / m.msgs);
  return values.length > 0 ? median(values) : undefined;
}

export function fmtRate(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toString() : '-';
}

/** Time budget for moving `msgs` messages: generous (100 msg/s worst case) but bounded. */
export function budgetMs(msgs: number): number {
  return 60_000 + msgs * 10;
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A count that resolves waiters once it reaches their target, or fails them all at once. */
export class Tally {
  #count = 0;
  #failure: Error | undefined;
  #waiters = new Set<Waiter>();

  get count(): number {
    return this.#count;
  }

  add(n = 1): void {
    this.#count += n;
    for (const w of this.#waiters) {
      if (this.#count >= w.target) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }

  fail(error: Error): void {
    this.#failure ??= error;
    for (const w of this.#waiters) w.reject(error);
    this.#waiters.clear();
  }

  /** Resolves once the count reaches `target`; rejects on failure or after `timeoutMs`. */
  async reach(target: number, timeoutMs: number, what: string): Promise<void> {
    if (!(await this.reachWithin(target, timeoutMs))) {
      throw new Error(`${what} did not finish within ${timeoutMs} ms (${this.#count}/${target})`);
    }
  }

  /** true once the count reaches `target`, false if `ms` pass first; rejects on failure. */
  reachWithin(target: number, ms: number): Promise<boolean> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#count >= target) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(false);
      }, ms);
      const waiter: Waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }
}

/** Keeps `window` calls of `send` in flight until `count` have completed. */
export async function windowed(
  count: number,
  window: number,
  send: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(window, count) }, async () => {
    while (next < count) await send(next++);
  });
  await Promise.all(lanes);
}
