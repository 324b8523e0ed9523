// The end of `npm test`: reads the checks scripts/test.sh recorded (name, exit code, vitest JSON
// report) and the log it kept, prints the summary (scripts/summary.ts) and exits non-zero if
// anything failed. Usage: test-summary.ts <checks.tsv> <log> <suite exit code>
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { summarize, type CheckResult, type VitestCounts } from './summary.js';

const Report = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number().default(0),
  testResults: z.array(z.unknown()),
});

async function countsOf(path: string): Promise<VitestCounts | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const report = Report.parse(JSON.parse(text));
  return {
    files: report.testResults.length,
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

const [checksFile, logFile, suiteExit] = process.argv.slice(2);
if (!checksFile || !logFile || suiteExit === undefined) {
  console.error('usage: test-summary.ts <checks.tsv> <log> <suite exit code>');
  process.exit(2);
}
const rows = (await readFile(checksFile, 'utf8').catch(() => ''))
  .split('\n')
  .filter((row) => row.length > 0)
  .map((row) => row.split('\t'));
const checks: CheckResult[] = [];
for (const [name = '?', exitCode = '1', report = '-'] of rows) {
  const isVitest = report !== '-';
  checks.push({
    name,
    exitCode: Number(exitCode),
    isVitest,
    vitest: isVitest ? await countsOf(report) : undefined,
  });
}
const summary = summarize(checks, Number(suiteExit), await readFile(logFile, 'utf8'));
for (const line of summary.lines) console.log(line);
process.exit(summary.failed ? 1 : 0);
