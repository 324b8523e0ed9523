// Renders results as aligned text for the terminal and as Markdown for bench/RESULTS.md.
import { fmtRate, met, type BenchResult, type Row } from './harness.js';
import { fmtMs, type LatencyRow } from './latency.js';
import type { Facts } from './machine.js';

export interface Report {
  readonly startedAt: Date;
  readonly command: string;
  readonly scale: number;
  readonly rounds: number;
  readonly facts: Facts;
  readonly results: readonly BenchResult[];
  readonly failures: readonly { readonly name: string; readonly error: string }[];
  readonly loadAtEnd: string;
  /** Shown above the results (e.g. the machine was busy). */
  readonly warning?: string;
}

const HEADERS = [
  'variant',
  'msgs',
  'seconds',
  'msg/s per round',
  'median msg/s',
  'ratio',
  'target',
  'met?',
  'notes',
] as const;

/** Two decimals, or two significant digits for ratios far below 1 (so 0.004 does not read 0.00). */
export function fmtRatio(ratio: number): string {
  return ratio >= 0.1 || ratio === 0 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

function cells(row: Row): string[] {
  const ok = met(row);
  return [
    row.variant,
    String(row.msgs),
    row.seconds.toFixed(2),
    row.perRound.map(fmtRate).join(' / '),
    fmtRate(row.median),
    row.ratio === undefined ? 'baseline' : fmtRatio(row.ratio),
    row.target === undefined ? '-' : `>= ${Number(row.target.toPrecision(2))}`,
    ok === undefined ? '-' : ok ? 'yes' : 'NO',
    row.note ?? '',
  ];
}

const LATENCY_HEADERS = [
  'variant',
  'samples',
  'rate/s',
  'p50 ms per round',
  'p99 ms per round',
  'median p50 ms',
  'median p99 ms',
  'p99 ratio',
  'notes',
] as const;

function latencyCells(row: LatencyRow): string[] {
  return [
    row.variant,
    String(row.samples),
    fmtRate(row.rate),
    row.p50PerRound.map(fmtMs).join(' / '),
    row.p99PerRound.map(fmtMs).join(' / '),
    fmtMs(row.p50),
    fmtMs(row.p99),
    row.ratio === undefined ? 'baseline' : fmtRatio(row.ratio),
    row.note ?? '',
  ];
}

/** The rate table and the latency table of a result, whichever it has, as rows with a header. */
function tables(result: BenchResult): { header: readonly string[]; rows: string[][] }[] {
  return [
    ...(result.rows.length > 0 ? [{ header: HEADERS, rows: result.rows.map(cells) }] : []),
    ...(result.latencyRows && result.latencyRows.length > 0
      ? [{ header: LATENCY_HEADERS, rows: result.latencyRows.map(latencyCells) }]
      : []),
  ];
}

function textTable(rows: readonly string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderText(result: BenchResult): string {
  return [
    `== ${result.title} ==`,
    result.method,
    '',
    tables(result)
      .map((t) => textTable([[...t.header], ...t.rows]))
      .join('\n\n'),
    ...result.notes.map((n) => `  * ${n}`),
    '',
  ].join('\n');
}

export function renderFactsText(facts: Facts): string {
  const width = Math.max(...facts.map(([label]) => label.length));
  return facts.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const line = (cols: readonly string[]) => `| ${cols.map(escape).join(' | ')} |`;
  const numeric = new Set([
    'msgs',
    'seconds',
    'median msg/s',
    'ratio',
    'samples',
    'rate/s',
    'median p50 ms',
    'median p99 ms',
    'p99 ratio',
  ]);
  const align = header.map((h) => (numeric.has(h) ? '---:' : '---'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

export function renderMarkdown(report: Report): string {
  const sections = report.results.map((r) =>
    [
      `## ${r.title}`,
      '',
      r.method,
      '',
      ...tables(r).flatMap((t) => [markdownTable(t.header, t.rows), '']),
      ...r.notes.map((n) => `- ${n}`),
      '',
    ].join('\n'),
  );
  const failures =
    report.failures.length === 0
      ? []
      : [
          '## Failed benchmarks',
          '',
          ...report.failures.map((f) => `- **${f.name}**: ${f.error.split('\n')[0] ?? ''}`),
          '',
        ];
  return [
    '# Herald benchmark results',
    '',
    `Measured ${report.startedAt.toISOString()} with \`${report.command}\` ` +
      `(scale ${report.scale}, ${report.rounds} rounds per variant, interleaved A-B-A-B; the median round ` +
      `is reported and ratios are median ÷ median of the baseline). Every comparison ran side by side ` +
      `in the same run against the same broker, on loopback, with durable quorum queues and persistent ` +
      `1 KiB messages.`,
    '',
    ...(report.warning ? [`> **Warning:** ${report.warning}`, ''] : []),
    '## Machine',
    '',
    markdownTable(
      ['fact', 'value'],
      [...report.facts, ['load average at end (1/5/15 min)', report.loadAtEnd]],
    ),
    '',
    ...sections,
    ...failures,
  ].join('\n');
}
