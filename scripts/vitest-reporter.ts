// vitest's default reporter with one change: its closing lines ("Test Files  69 passed (69)",
// "Tests  576 passed (576)") become one line of ours. `npm test` runs vitest three times, and only
// the last line of its log may read as a test runner's closing line (scripts/log-shapes.ts).
import type { RunnerTask, RunnerTestFile } from 'vitest';
import { DefaultReporter } from 'vitest/node';

function tests(tasks: readonly RunnerTask[]): RunnerTask[] {
  return tasks.flatMap((task) => (task.type === 'suite' ? tests(task.tasks) : [task]));
}

export default class HeraldReporter extends DefaultReporter {
  override reportTestSummary(files: RunnerTestFile[], errors: unknown[]): void {
    const all = tests(files.flatMap((file) => file.tasks));
    const bad = all.filter((t) => t.result?.state === 'fail').length;
    const skipped = all.filter((t) => t.mode === 'skip' || t.mode === 'todo').length;
    const badFiles = files.filter((f) => f.result?.state === 'fail').length;
    const seconds = ((performance.now() - this.start) / 1_000).toFixed(1);
    const verdict =
      bad === 0 && badFiles === 0 && errors.length === 0
        ? 'all ok'
        : `NOT OK: ${bad} failing test(s), ${badFiles} failing file(s), ${errors.length} error(s)`;
    this.log(
      `\n[vitest] ${files.length} files, ${all.length} tests (${skipped} skipped) in ${seconds} s: ${verdict}\n`,
    );
  }
}
