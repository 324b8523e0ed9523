import { pino } from 'pino';

/** Logs only at the level tests ask for (TEST_LOG_LEVEL), so failures can be debugged on demand. */
export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Polls `probe` until it returns something other than undefined, null or false; fails naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/** Collects a consumer's outcomes and lets a test await the ones it expects. */
export function recordOutcomes<O>(consumer: {
  onOutcome(listener: (outcome: O) => void): unknown;
}) {
  const seen: O[] = [];
  consumer.onOutcome((o) => seen.push(o));
  return {
    seen,
    until(what: string, predicate: (all: O[]) => boolean, timeoutMs?: number) {
      return eventually(what, () => predicate(seen), timeoutMs);
    },
  };
}

/** One line a `recordingLogger` was given: its level name, message and fields. */
export interface LogLine {
  readonly level: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** A logger that keeps every line it is given, for tests of what a component reports. */
export function recordingLogger() {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug', base: null, timestamp: false, formatters: { level: (level) => ({ level }) } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}
