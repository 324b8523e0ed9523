import { describe, expect, it } from 'vitest';
import { Tally, median, met, summarise, windowed } from './harness.js';
import { MESSAGE_BYTES, commentBody, commentEvent } from './payload.js';
import { parsePerfTest } from './perftest.js';
import { fmtRatio } from './report.js';

const perfTestOutput = `
id: test-001948-069, time 1.015 s, sent: 850 msg/s, confirmed: 850 msg/s, nacked: 0 msg/s, received: 756 msg/s, min/median/75th/95th/99th consumer latency: 1353/26038/38615/42999/66639 µs
id: test-001948-069, time 4.002 s, sent: 4496 msg/s, confirmed: 4212 msg/s, nacked: 0 msg/s, received: 4013 msg/s, min/median/75th/95th/99th consumer latency: 2547/26746/52992/84265/103058 µs
id: test-001948-069, time 5.010 s, sent: 5940 msg/s, confirmed: 6196 msg/s, nacked: 0 msg/s, received: 6081 msg/s, min/median/75th/95th/99th consumer latency: 3775/62339/120209/195257/227004 µs
test stopped (Reached time limit)
id: test-001948-069, sending rate avg: 3208 msg/s
id: test-001948-069, receiving rate avg: 3207 msg/s
`;

describe('bench harness', () => {
  it('takes the median of odd and even round counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('reports the median round and the ratio of medians against the baseline', () => {
    const baseline = [
      { msgs: 100, seconds: 1 },
      { msgs: 100, seconds: 0.5 },
      { msgs: 100, seconds: 0.25 },
    ];
    const variant = [
      { msgs: 100, seconds: 2 },
      { msgs: 100, seconds: 1 },
      { msgs: 100, seconds: 0.4 },
    ];
    const row = summarise('v', variant, { baseline, target: 0.5 });
    expect(row.perRound).toEqual([50, 100, 250]);
    expect(row.median).toBe(100);
    expect(row.seconds).toBe(1);
    expect(row.ratio).toBe(0.5);
    expect(met(row)).toBe(true);
    expect(met(summarise('b', baseline))).toBeUndefined();
  });

  it('keeps small ratios readable', () => {
    expect(fmtRatio(0.8512)).toBe('0.85');
    expect(fmtRatio(0.00423)).toBe('0.0042');
  });

  it('resolves a tally at its target and reports a time box as false', async () => {
    const tally = new Tally();
    const reached = tally.reachWithin(2, 1_000);
    tally.add();
    tally.add();
    await expect(reached).resolves.toBe(true);
    await expect(tally.reachWithin(3, 10)).resolves.toBe(false);
    tally.fail(new Error('boom'));
    await expect(tally.reach(3, 1_000, 'x')).rejects.toThrow('boom');
  });

  it('keeps at most `window` sends in flight and sends each index once', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await windowed(50, 7, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      seen.push(i);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
    });
    expect(peak).toBe(7);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('bench payload', () => {
  it('serializes to exactly 1 KiB and stays a valid event', () => {
    expect(commentBody.length).toBe(MESSAGE_BYTES);
    expect(Buffer.byteLength(JSON.stringify(commentEvent()))).toBe(MESSAGE_BYTES);
  });
});

describe('PerfTest output', () => {
  it('reads the summary rates and the steady state after the warm-up seconds', () => {
    const summary = parsePerfTest(perfTestOutput);
    expect(summary.sendingRate).toBe(3208);
    expect(summary.receivingRate).toBe(3207);
    expect(summary.steadyReceivingRate).toBe((4013 + 6081) / 2);
  });

  it('fails loudly when the summary is missing', () => {
    expect(() => parsePerfTest('Exception in thread "main"')).toThrow(/sending rate avg/);
  });
});
