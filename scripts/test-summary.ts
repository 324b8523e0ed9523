// Prints one plain summary of every vitest run `npm test` made (from their JSON reports), so the
// end of a CI log says how many tests ran and passed without scrolling back through each run.
// The last line is the plain 'tests: N passed, N failed, N skipped' that CI log readers recognise
// in any language; vitest's own closing lines are not among the formats they read.
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
let passed = 0;
let failed = 0;
let skipped = 0;
let testFiles = 0;
let filesPassed = 0;
console.log('[herald] test summary');
for (const file of files) {
  const report = Report.parse(JSON.parse(await readFile(file, 'utf8')));
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
console.log(`  test files: ${filesPassed} of ${testFiles} passed`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
