// Prints one plain summary of every vitest run `npm test` made (from their JSON reports), so the
// end of a CI log says how many tests ran and passed without scrolling back through each run.
// The last two lines use vitest's own summary format, which is what log readers look for.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';

const Report = z.object({
  numTotalTestSuites: z.number(),
  numTotalTests: z.number(),
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  testResults: z.array(z.object({ status: z.string() })),
});

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: test-summary.ts <vitest json report>...');
  process.exit(2);
}
let tests = 0;
let passed = 0;
let failed = 0;
let skipped = 0;
let testFiles = 0;
let filesPassed = 0;
console.log('[herald] test summary');
for (const file of files) {
  const report = Report.parse(JSON.parse(await readFile(file, 'utf8')));
  tests += report.numTotalTests;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests;
  testFiles += report.testResults.length;
  filesPassed += report.testResults.filter((r) => r.status === 'passed').length;
  console.log(
    `  ${basename(file, '.json').padEnd(12)} ${report.testResults.length} files, ` +
      `${report.numTotalTests} tests: ${report.numPassedTests} passed, ` +
      `${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  );
}
const filesFailed = testFiles - filesPassed;
console.log(`${'Test Files'.padStart(11)}  ${counts(filesFailed, filesPassed, 0, testFiles)}`);
console.log(`${'Tests'.padStart(11)}  ${counts(failed, passed, skipped, tests)}`);

function counts(nFailed: number, nPassed: number, nSkipped: number, total: number): string {
  const parts = [
    nFailed > 0 ? `${nFailed} failed` : null,
    `${nPassed} passed`,
    nSkipped > 0 ? `${nSkipped} skipped` : null,
  ];
  return `${parts.filter((p) => p !== null).join(' | ')} (${total})`;
}
