import { describe, expect, it } from 'vitest';
import type { JaegerTrace } from './ports.js';
import { layOut } from './waterfall.js';

type Span = JaegerTrace['spans'][number];
const span = (
  spanID: string,
  processID: string,
  startTime: number,
  duration: number,
  parent?: string,
  refType = 'CHILD_OF',
): Span => ({
  spanID,
  operationName: `op ${spanID}`,
  processID,
  startTime,
  duration,
  references: parent ? [{ refType, spanID: parent }] : [],
});

const processes = { p1: { serviceName: 'api' }, p2: { serviceName: 'mailer' } };

describe('trace waterfall', () => {
  it('puts each span under its parent, siblings by start time, on a timeline in ms and %', () => {
    const waterfall = layOut({
      traceID: 't1',
      processes,
      spans: [
        span('c', 'p2', 1_006_000, 2_000, 'b'),
        span('a', 'p1', 1_000_000, 10_000),
        span('d', 'p1', 1_008_000, 1_000, 'a'),
        span('b', 'p1', 1_001_000, 6_000, 'a'),
      ],
    });
    expect(waterfall).toMatchObject({ traceId: 't1', totalMs: 10, services: ['api', 'mailer'] });
    expect(waterfall.rows.map((r) => [r.spanId, r.depth, r.service])).toEqual([
      ['a', 0, 'api'],
      ['b', 1, 'api'],
      ['c', 2, 'mailer'],
      ['d', 1, 'api'],
    ]);
    expect(waterfall.rows[2]).toMatchObject({
      offsetMs: 6,
      durationMs: 2,
      leftPercent: 60,
      widthPercent: 20,
    });
  });

  it('shows a span whose parent is missing as a root, and follows FOLLOWS_FROM links', () => {
    const waterfall = layOut({
      traceID: 't2',
      processes,
      spans: [
        span('x', 'p2', 0, 1_000, 'gone'),
        span('y', 'p2', 500, 1_000, 'x', 'FOLLOWS_FROM'),
        span('z', 'p9', 2_000, 0),
      ],
    });
    expect(waterfall.rows.map((r) => [r.spanId, r.depth, r.service])).toEqual([
      ['x', 0, 'mailer'],
      ['y', 1, 'mailer'],
      ['z', 0, 'unknown'],
    ]);
    // A zero-length span still gets a visible bar.
    expect(waterfall.rows[2]?.widthPercent).toBe(0.5);
  });

  it('lays out an empty trace without dividing by zero', () => {
    expect(layOut({ traceID: 't3', processes: {}, spans: [] })).toEqual({
      traceId: 't3',
      totalMs: 0,
      services: [],
      rows: [],
    });
  });
});
