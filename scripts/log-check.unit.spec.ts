import { describe, expect, it } from 'vitest';
import { closingShapeOf, misplacedClosingLines } from './log-shapes.js';
import { summarize, type CheckResult } from './summary.js';

const sample = [
  '[herald] API fuzzing',
  '============================= 3 warnings in 60.05s =============================',
  '[herald] unit, integration and end-to-end tests',
  'tests: 578 passed, 0 failed, 0 skipped',
].join('\n');

describe('closing-line shapes', () => {
  it.each([
    ['pytest', '============================= 3 warnings in 60.05s ============================='],
    ['pytest', '==== 12 passed, 1 skipped in 0.31s ===='],
    ['pytest', '=================== no tests ran ==================='],
    ['go test', 'ok  \texample.com/herald/pkg\t0.012s'],
    ['go test', 'FAIL\texample.com/herald/pkg\t1.5s'],
    ['go test', 'FAIL'],
    ['node test runner', '# pass 12'],
    ['Maven Surefire', 'Tests run: 12, Failures: 0, Errors: 0, Skipped: 0'],
    ['cargo test', 'test result: ok. 3 passed; 0 failed; 0 ignored'],
    ['vitest / jest', '      Tests  576 passed (576)'],
    ['vitest / jest', ' Test Files  69 passed (69)'],
    ['mocha', '  12 passing (30ms)'],
    ['plain count', 'tests: 3 passed, 0 failed, 0 skipped'],
    ['plain count', '\u001b[32m12 passed\u001b[39m, 1 failed'],
  ])('recognises %s in %j', (runner, line) => {
    expect(closingShapeOf(line)?.runner).toBe(runner);
  });

  it.each([
    '[fuzz] schemathesis: 2679 cases, 0 failed, 138 stateful scenarios: ok (report: fuzz.txt)',
    '[vitest] 69 files, 576 tests (0 skipped) in 212.4 s: all ok',
    ' ✓ |unit| contracts/src/envelope.unit.spec.ts (16 tests) 20ms',
    ' FAIL  |integration| e2e/src/pipeline.e2e.spec.ts > delivers',
    'e-mails                242    242        0        0                   0',
    '[check-deploy] helm lint (default values): clean',
  ])('leaves our own line %j alone', (line) => {
    expect(closingShapeOf(line)).toBeUndefined();
  });
});

describe('the log check', () => {
  it('finds a closing line before the last one, with its number and runner', () => {
    expect(misplacedClosingLines(sample)).toEqual([
      {
        number: 2,
        text: '============================= 3 warnings in 60.05s =============================',
        runner: 'pytest',
      },
    ]);
  });

  it('accepts a closing line that is the last line, trailing newlines included', () => {
    expect(
      misplacedClosingLines('[herald] done\ntests: 1 passed, 0 failed, 0 skipped\n\n'),
    ).toEqual([]);
  });
});

describe('the summary', () => {
  const vitestRun = (failed: number, exitCode = failed > 0 ? 1 : 0): CheckResult => ({
    name: 'vitest: main',
    exitCode,
    isVitest: true,
    vitest: { files: 3, passed: 10, failed, skipped: 1 },
  });
  const check = (name: string, exitCode = 0): CheckResult => ({ name, exitCode, isVitest: false });

  it('counts every vitest test and one test per other check, the log check included', () => {
    const { lines, failed } = summarize([check('demo'), vitestRun(0)], 0, 'clean log\n');
    expect(lines.at(-1)).toBe('tests: 12 passed, 0 failed, 1 skipped');
    expect(failed).toBe(false);
  });

  it('counts a failed fuzz run as a failed test', () => {
    const { lines, failed } = summarize([check('API fuzzing', 1), vitestRun(0)], 0, '');
    expect(lines.at(-1)).toBe('tests: 11 passed, 1 failed, 1 skipped');
    expect(lines).toContain('  NOT OK  API fuzzing (exit 1)');
    expect(failed).toBe(true);
  });

  it('counts a vitest run that failed without a failing test, and one that wrote no report', () => {
    const noReport: CheckResult = { name: 'vitest: chaos', exitCode: 1, isVitest: true };
    const { lines } = summarize([vitestRun(0, 1), noReport], 0, '');
    expect(lines.at(-1)).toBe('tests: 11 passed, 2 failed, 1 skipped');
  });

  it('fails on a log with a misplaced closing line, and names the line', () => {
    const { lines, failed } = summarize([check('demo')], 0, sample);
    expect(failed).toBe(true);
    expect(lines.at(-1)).toBe('tests: 1 passed, 1 failed, 0 skipped');
    expect(lines.join('\n')).toContain('line 2 (pytest)');
  });

  it('prints no closing-shaped line but its last', () => {
    const { lines } = summarize([check('demo'), vitestRun(2), check('fuzz', 3)], 2, 'log\n');
    expect(misplacedClosingLines(lines.join('\n'))).toEqual([]);
  });
});
