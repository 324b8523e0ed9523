/**
 * The sum of a metric's samples in Prometheus text format (every label set), or undefined when
 * the text has no sample of it. Enough for the handful of gauges the overview shows.
 */
export function sampleSum(text: string, metric: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    const match = /^(?:\{[^}]*\})?\s+(\S+)/.exec(rest);
    if (!match?.[1]) continue;
    const value = Number(match[1]);
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}
