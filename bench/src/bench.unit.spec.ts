import { describe, expect, it } from 'vitest';
import { Tally, median, met, summarise, windowed } from './harness.js';
import { percentile, summariseLatencies, summariseLatency } from './latency.js';
import { dueBy, openLoop, scheduledAt } from './open-loop.js';
import { MESSAGE_BYTES, commentBody, commentEvent } from './payload.js';
import { parsePerfTest } from './perftest.js';
import { fmtRatio, renderMarkdown, renderText } from './report.js';
import { parseSse, refIn } from './side-effects.js';

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

describe('latency percentiles', () => {
  it('takes the nearest rank, never interpolating', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 3], 99)).toBe(7);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([], 99)).toBeNaN();
  });

  it('reports the median of the rounds and the ratio of p99s against the baseline', () => {
    const round = (p50: number, p99: number) => ({
      msgs: 10,
      seconds: 1,
      latency: { samples: 10, p50, p99, max: p99 },
    });
    const baseline = [round(1, 4), round(1, 2), round(2, 6)];
    const row = summariseLatency('v', 5, [round(10, 40), round(20, 80), round(30, 20)], {
      baseline,
    });
    expect(row).toMatchObject({ samples: 10, rate: 5, p50: 20, p99: 40, ratio: 10 });
    expect(row.p99PerRound).toEqual([40, 80, 20]);
    expect(summariseLatency('b', 5, baseline).ratio).toBeUndefined();
    expect(summariseLatencies([3, 1, 2])).toEqual({ samples: 3, p50: 2, p99: 3, max: 3 });
  });
});

describe('open-loop schedule', () => {
  it('makes send i due at i/rate seconds, the first at once', () => {
    expect(scheduledAt(0, 200)).toBe(0);
    expect(scheduledAt(3, 200)).toBe(15);
    expect(dueBy(-1, 200, 10)).toBe(0);
    expect(dueBy(0, 200, 10)).toBe(1);
    expect(dueBy(4.99, 200, 10)).toBe(1);
    expect(dueBy(5, 200, 10)).toBe(2);
    expect(dueBy(60_000, 200, 10)).toBe(10);
  });

  it('does not wait for slow sends, and times each from when it was due', async () => {
    const startedAt: number[] = [];
    const t0 = performance.now();
    const run = await openLoop({
      rate: 200,
      count: 10,
      send: async (i) => {
        startedAt[i] = performance.now() - t0;
        await new Promise((r) => setTimeout(r, 50));
      },
    });
    // Closed loop this would take 10 x 50 ms; open loop it is the schedule (45 ms) plus one send.
    expect(run.seconds).toBeLessThan(0.4);
    expect(run.latenciesMs).toHaveLength(10);
    for (const [i, at] of startedAt.entries()) expect(at).toBeGreaterThanOrEqual(i * 5 - 1);
    for (const latency of run.latenciesMs) expect(latency).toBeGreaterThanOrEqual(49);
  });

  it('stops sending after a failure and throws it once the others settle', async () => {
    let sent = 0;
    const run = openLoop({
      rate: 1_000,
      count: 1_000,
      send: async (i) => {
        sent++;
        if (i === 2) throw new Error('boom');
      },
    });
    await expect(run).rejects.toThrow('boom');
    expect(sent).toBeLessThan(1_000);
  });
});

describe('side-effect watch parsing', () => {
  it('splits Server-Sent Events, skipping comments and keeping an unfinished event', () => {
    const { events, rest } = parseSse(
      ': connected\nretry: 3000\n\nid: e1:u1\nevent: notification\ndata: {"a":1}\n\n: heartbeat\n\nid: e2',
    );
    expect(events).toEqual([{ id: 'e1:u1', event: 'notification', data: '{"a":1}' }]);
    expect(rest).toBe('id: e2');
    expect(parseSse('data: a\r\ndata: b\r\n\r\n').events).toEqual([{ data: 'a\nb' }]);
  });

  it('finds the reference a benchmark comment carries', () => {
    expect(refIn('> [fanout 2-17] @bob could you', 'fanout')).toBe('fanout 2-17');
    expect(refIn('[other 1-1] hello', 'fanout')).toBeUndefined();
  });
});

describe('latency report', () => {
  const result = {
    name: 'x',
    title: 'X',
    method: 'm',
    rows: [],
    latencyRows: [
      summariseLatency('b', 10, [{ msgs: 1, seconds: 1, latency: summariseLatencies([2]) }]),
    ],
    notes: ['n'],
  };

  it('shows only the tables a result has', () => {
    const text = renderText(result);
    expect(text).toContain('median p99 ms');
    expect(text).not.toContain('msg/s per round');
    const markdown = renderMarkdown({
      startedAt: new Date(0),
      command: 'c',
      scale: 1,
      rounds: 2,
      facts: [],
      results: [result],
      failures: [],
      loadAtEnd: '0',
    });
    expect(markdown).toMatch(/\| b +\| 1 \| 10 \| 2.00 \|/);
  });
});
