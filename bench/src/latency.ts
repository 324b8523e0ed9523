// Latency rows: percentiles of one round, and the median of them over the interleaved rounds.
import { median, type Measurement } from './harness.js';

/** Percentiles of one round's latencies, in milliseconds. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencyRow {
  readonly variant: string;
  /** Samples in the median round. */
  readonly samples: number;
  /** The fixed rate the requests or messages were sent at, per second. */
  readonly rate: number;
  readonly p50PerRound: readonly number[];
  readonly p99PerRound: readonly number[];
  readonly p50: number;
  readonly p99: number;
  /** p99 ÷ the baseline's p99 (higher is worse); undefined for the baseline itself. */
  readonly ratio?: number;
  readonly note?: string;
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of the samples at or below it), so
 * p99 of 100 samples is the 99th and never an interpolation between two samples nobody saw.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function summariseLatencies(valuesMs: readonly number[]): LatencySummary {
  return {
    samples: valuesMs.length,
    p50: percentile(valuesMs, 50),
    p99: percentile(valuesMs, 99),
    max: valuesMs.length > 0 ? Math.max(...valuesMs) : Number.NaN,
  };
}

/** The latency row of one variant; `baseline` makes it a ratio row (p99 ÷ the baseline's p99). */
export function summariseLatency(
  variant: string,
  rate: number,
  measurements: readonly Measurement[],
  options: { readonly baseline?: readonly Measurement[]; readonly note?: string } = {},
): LatencyRow {
  const summaries = measurements.flatMap((m) => (m.latency ? [m.latency] : []));
  const p99s = summaries.map((s) => s.p99);
  const p99 = median(p99s);
  const baselineP99 = options.baseline
    ? median(options.baseline.flatMap((m) => (m.latency ? [m.latency.p99] : [])))
    : undefined;
  return {
    variant,
    samples: median(summaries.map((s) => s.samples)),
    rate,
    p50PerRound: summaries.map((s) => s.p50),
    p99PerRound: p99s,
    p50: median(summaries.map((s) => s.p50)),
    p99,
    ...(baselineP99 === undefined ? {} : { ratio: p99 / baselineP99 }),
    ...(options.note === undefined ? {} : { note: options.note }),
  };
}

/** Milliseconds with a precision that suits the size: 0.42, 3.1, 250. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
