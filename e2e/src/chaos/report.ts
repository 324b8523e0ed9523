import type { Tally } from './ledger.js';

/** One fault as injected, and how long the system took to be whole again. */
export interface FaultRecord {
  readonly fault: string;
  readonly recoveryMs: number;
  /** What "recovered" was measured as, e.g. "ready again" or "first e-mail after". */
  readonly until: string;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [
    line(cells[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** The chaos run's summary, as printed at the end of `npm run test:chaos`. */
export function chaosSummary(summary: {
  readonly seconds: number;
  readonly attempted: number;
  readonly answered: Readonly<Record<string, number>>;
  readonly stored: number;
  readonly tallies: readonly Tally[];
  readonly faults: readonly FaultRecord[];
  readonly deadLetters: Readonly<
    Record<string, { readonly poison: number; readonly other: number }>
  >;
  readonly slots: {
    readonly fired: number;
    readonly gaps: number;
    readonly doubled: number;
    /** Slots due from the broker's stop until the probe's queue was back: not gaps. */
    readonly probeGone?: number;
  };
}): string {
  const answered = Object.entries(summary.answered)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  return [
    `chaos: ${summary.seconds} s of load, ${summary.attempted} comments posted (${answered}); ` +
      `${summary.stored} stored by the API`,
    '',
    table(
      ['side effect', 'expected', 'found', 'missing', 'doubled', 'same e-mail resent'],
      summary.tallies.map((t) => [
        t.effect,
        t.expected,
        t.found,
        t.missing.length,
        t.doubled.length,
        t.resent,
      ]),
    ),
    '',
    table(
      ['fault injected', 'recovered in ms', 'measured until'],
      summary.faults.map((f) => [f.fault, f.recoveryMs, f.until]),
    ),
    '',
    table(
      ['dead-letter queue', 'poison', 'other'],
      Object.entries(summary.deadLetters).map(([queue, n]) => [queue, n.poison, n.other]),
    ),
    '',
    `scheduler: ${summary.slots.fired} heartbeat slots seen by the probe consumer, ` +
      `${summary.slots.gaps} missing, ${summary.slots.doubled} seen twice` +
      (summary.slots.probeGone === undefined
        ? ''
        : `, ${summary.slots.probeGone} due from the broker's stop until the probe's queue was declared again after the rebuild`),
  ].join('\n');
}
