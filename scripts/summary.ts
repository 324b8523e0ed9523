// What `npm test` prints at its end: one line per check, then the count CI reads. Every check that
// is not a vitest run (static checks, deploy files, AsyncAPI, the demo, fuzzing, the log check)
// counts as one test, so a failure anywhere shows in the count as well as in the exit code.
import { misplacedClosingLines } from './log-shapes.js';

export interface VitestCounts {
  readonly files: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface CheckResult {
  readonly name: string;
  readonly exitCode: number;
  /** For a vitest run: the counts of its JSON report, `undefined` when it wrote none. */
  readonly vitest?: VitestCounts | undefined;
  /** True for a vitest run (which may have failed before writing its report). */
  readonly isVitest: boolean;
}

export interface Summary {
  readonly lines: readonly string[];
  readonly failed: boolean;
}

const mark = (ok: boolean) => (ok ? 'ok    ' : 'NOT OK');

/** `checks` in the order they ran, `suiteExit` the suite's exit code, `log` everything before this. */
export function summarize(checks: readonly CheckResult[], suiteExit: number, log: string): Summary {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const lines = ['[herald] test summary'];
  for (const check of checks) {
    const counts = check.vitest;
    if (!check.isVitest) {
      if (check.exitCode === 0) passed++;
      else failed++;
      lines.push(`  ${mark(check.exitCode === 0)}  ${check.name}${exitNote(check.exitCode)}`);
      continue;
    }
    passed += counts?.passed ?? 0;
    failed += counts?.failed ?? 0;
    skipped += counts?.skipped ?? 0;
    // A run that failed without a failing test (a failed setup, an unhandled error) counts as one.
    const silentFailure = check.exitCode !== 0 && (counts?.failed ?? 0) === 0;
    if (silentFailure) failed++;
    const detail = counts
      ? `${counts.files} files, ${counts.passed + counts.failed + counts.skipped} tests: ` +
        `${counts.passed} ok, ${counts.failed} failing, ${counts.skipped} skipped`
      : 'wrote no report';
    lines.push(
      `  ${mark(check.exitCode === 0)}  ${check.name}: ${detail}${exitNote(check.exitCode)}`,
    );
  }
  if (suiteExit !== 0) {
    failed++;
    lines.push(`  NOT OK  the suite stopped early${exitNote(suiteExit)}; see the lines above`);
  }
  const misplaced = misplacedClosingLines(log);
  if (misplaced.length === 0) {
    passed++;
    lines.push(
      `  ok      log check: no line before the last looks like a test runner's closing line`,
    );
  } else {
    failed++;
    lines.push(
      `  NOT OK  log check: ${misplaced.length} line(s) look like a test runner's closing line`,
    );
    for (const line of misplaced.slice(0, 10)) {
      lines.push(`          line ${line.number} (${line.runner}): ${JSON.stringify(line.text)}`);
    }
  }
  lines.push(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { lines, failed: failed > 0 };
}

function exitNote(code: number): string {
  return code === 0 ? '' : ` (exit ${code})`;
}
