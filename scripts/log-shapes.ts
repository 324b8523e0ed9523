// The closing lines of test runners that CI log readers know. `npm test` prints exactly one such
// line, its last; any earlier one (a tool's own banner) makes a reader count the wrong run.

/** A closing-line shape, named for the runner that prints it. */
export interface ClosingShape {
  readonly runner: string;
  readonly pattern: RegExp;
}

export const closingShapes: readonly ClosingShape[] = [
  // `==== 3 passed, 1 warning in 1.20s ====`, `=== 3 warnings in 60.05s ===`, `=== no tests ran ===`
  { runner: 'pytest', pattern: /^=+ .*\bin \d+(\.\d+)?s\b.*=+$/ },
  { runner: 'pytest', pattern: /^=+ .*\b(passed|failed|errors?|skipped|no tests ran)\b.*=+$/ },
  // `ok  	example.com/pkg	0.012s`, `FAIL	example.com/pkg	0.1s`, and the bare `PASS` / `FAIL`
  { runner: 'go test', pattern: /^(ok|FAIL)\s+\S+\s+(\d+(\.\d+)?s|\(cached\)|\[no test files\])/ },
  { runner: 'go test', pattern: /^(PASS|FAIL)$/ },
  // node --test (TAP): `# pass 12`, `# fail 0`, `# tests 12`
  { runner: 'node test runner', pattern: /^# (pass|fail|tests|skipped|todo|cancelled) \d+\s*$/ },
  // `Tests run: 12, Failures: 0, Errors: 0, Skipped: 0`
  { runner: 'Maven Surefire', pattern: /\bTests run: \d+/ },
  // `test result: ok. 12 passed; 0 failed; ...`
  { runner: 'cargo test', pattern: /^test result: (ok|FAILED)\./ },
  // `Tests  576 passed (576)`, `Test Files  69 passed (69)`, `Tests:       3 passed, 3 total`
  {
    runner: 'vitest / jest',
    pattern: /^\s*Test(s| Files| Suites):?\s+\d+ (passed|failed|skipped)/,
  },
  // mocha: `  12 passing (30ms)`
  { runner: 'mocha', pattern: /^\s*\d+ (passing|failing|pending)( \(|$)/ },
  // `100% tests passed, 0 tests failed out of 12`
  { runner: 'ctest', pattern: /\d+% tests passed, \d+ tests? failed out of \d+/ },
  // turbo / jest task totals: `Tasks:    11 successful, 11 total`, `Tests:  3 passed, 3 total`
  {
    runner: 'task totals',
    pattern: /^\s*\w+( \w+)?:\s+\d+ (passed|successful|failed)\b.*\b\d+ total\b/,
  },
  // `tests: 3 passed, 0 failed, 0 skipped`, `12 passed, 1 failed`
  { runner: 'plain count', pattern: /\b\d+ (passed|failed)\b.*\b\d+ (passed|failed)\b/ },
];

/** The runner whose closing line `line` looks like, if any. */
export function closingShapeOf(line: string): ClosingShape | undefined {
  // Colours would hide a shape from this check but not from a reader that strips them first.
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
  return closingShapes.find((shape) => shape.pattern.test(plain));
}

export interface MisplacedLine {
  /** 1-based line number in the log. */
  readonly number: number;
  readonly text: string;
  readonly runner: string;
}

/** Every line before the last that has a runner's closing shape. */
export function misplacedClosingLines(log: string): MisplacedLine[] {
  const lines = log.split('\n');
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  const found: MisplacedLine[] = [];
  lines.slice(0, -1).forEach((text, index) => {
    const shape = closingShapeOf(text);
    if (shape) found.push({ number: index + 1, text, runner: shape.runner });
  });
  return found;
}
