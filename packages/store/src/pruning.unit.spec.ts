import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { recordingLogger } from '@herald/testkit';
import { startPruning, type Prunable } from './pruning.js';

const hour = 3_600_000;
const start = new Date('2026-11-30T12:00:00Z');

beforeEach(() => {
  vi.useFakeTimers({ now: start });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A record that notes each cut-off it is asked to prune before and deletes `deleted` entries. */
function record(deleted: number | Error = 0) {
  const cutoffs: Date[] = [];
  const prunable: Prunable = {
    prune: async (before) => {
      cutoffs.push(before);
      if (deleted instanceof Error) throw deleted;
      return deleted;
    },
  };
  return { prunable, cutoffs };
}

it('prunes each record once a period, never at the start, with the cut-off keepMs back', async () => {
  const { logger, lines } = recordingLogger();
  const a = record(3);
  const b = record(0);
  const pruning = startPruning({
    records: { a: a.prunable, b: b.prunable },
    keepMs: 24 * hour,
    logger,
  });
  expect(a.cutoffs).toEqual([]);
  await vi.advanceTimersByTimeAsync(hour);
  await vi.advanceTimersByTimeAsync(hour);
  expect(a.cutoffs).toEqual([
    new Date(start.getTime() + hour - 24 * hour),
    new Date(start.getTime() + 2 * hour - 24 * hour),
  ]);
  expect(b.cutoffs).toHaveLength(2);
  // Only deletions are worth a line.
  expect(lines.map((l) => [l.level, l.msg, l.record, l.deleted])).toEqual([
    ['info', 'pruned', 'a', 3],
    ['info', 'pruned', 'a', 3],
  ]);
  await pruning.stop();
  await vi.advanceTimersByTimeAsync(3 * hour);
  expect(a.cutoffs).toHaveLength(2);
});

it('reports a failing record and still prunes the others, and tries it again next time', async () => {
  const { logger, lines } = recordingLogger();
  const broken = record(new Error('store unreachable'));
  const fine = record(1);
  const pruning = startPruning({
    records: { broken: broken.prunable, fine: fine.prunable },
    keepMs: hour,
    everyMs: 1_000,
    logger,
  });
  await vi.advanceTimersByTimeAsync(2_000);
  await pruning.stop();
  expect(broken.cutoffs).toHaveLength(2);
  expect(fine.cutoffs).toHaveLength(2);
  expect(lines.filter((l) => l.level === 'warn')).toEqual([
    { level: 'warn', record: 'broken', err: 'Error: store unreachable', msg: 'prune failed' },
    { level: 'warn', record: 'broken', err: 'Error: store unreachable', msg: 'prune failed' },
  ]);
});

it('prunes only while `when` holds, and skips a round while the last one still runs', async () => {
  const { logger } = recordingLogger();
  let leading = false;
  let finish: (() => void) | undefined;
  const calls: Date[] = [];
  const slow: Prunable = {
    prune: (before) => {
      calls.push(before);
      return new Promise((resolve) => (finish = () => resolve(0)));
    },
  };
  const pruning = startPruning({
    records: { slow },
    keepMs: hour,
    everyMs: 1_000,
    logger,
    when: () => leading,
  });
  await vi.advanceTimersByTimeAsync(3_000);
  expect(calls).toHaveLength(0);
  leading = true;
  await vi.advanceTimersByTimeAsync(5_000);
  expect(calls).toHaveLength(1);
  finish?.();
  await vi.advanceTimersByTimeAsync(1_000);
  expect(calls).toHaveLength(2);
  // stop waits for the round in progress.
  let stopped = false;
  const stopping = pruning.stop().then(() => (stopped = true));
  await vi.advanceTimersByTimeAsync(0);
  expect(stopped).toBe(false);
  finish?.();
  await stopping;
  expect(stopped).toBe(true);
});
