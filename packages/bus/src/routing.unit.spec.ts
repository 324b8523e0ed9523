import { describe, expect, it } from 'vitest';
import { Deferred, PermanentFailure } from './errors.js';
import {
  classifyFailure,
  maxRefusedMoveDelayMs,
  routeFailure,
  type Decision,
  type Failure,
  type RoutingFacts,
} from './routing.js';

const facts: RoutingFacts = {
  attempt: 1,
  retry: { delaysMs: [1_000, 5_000, 25_000], maxAttempts: 4 },
  waitDelaysMs: [1_000, 5_000, 25_000],
};
const at = (attempt: number, more: Partial<RoutingFacts> = {}): RoutingFacts => ({
  ...facts,
  attempt,
  ...more,
});
const reason = 'Error: boom';

describe('routeFailure', () => {
  it.each<[string, Failure, RoutingFacts, Decision]>([
    ['invalid', { kind: 'invalid', reason }, at(1), { action: 'dead-letter', kind: 'invalid' }],
    [
      'unhandled',
      { kind: 'unhandled', reason },
      at(1),
      { action: 'dead-letter', kind: 'unhandled' },
    ],
    [
      'permanent',
      { kind: 'permanent', reason },
      at(1),
      { action: 'dead-letter', kind: 'permanent' },
    ],
    [
      'transient, first attempt',
      { kind: 'transient', reason },
      at(1),
      { action: 'retry', delayMs: 1_000, nextAttempt: 2 },
    ],
    [
      'transient, third attempt',
      { kind: 'transient', reason },
      at(3),
      { action: 'retry', delayMs: 25_000, nextAttempt: 4 },
    ],
    [
      'transient, past the listed delays (the last one repeats)',
      { kind: 'transient', reason },
      at(5, { retry: { delaysMs: [1_000, 5_000], maxAttempts: 9 } }),
      { action: 'retry', delayMs: 5_000, nextAttempt: 6 },
    ],
    [
      'transient, last attempt',
      { kind: 'transient', reason },
      at(4),
      { action: 'dead-letter', kind: 'exhausted' },
    ],
    [
      'transient, with no retries at all',
      { kind: 'transient', reason },
      at(1, { retry: { delaysMs: [1_000], maxAttempts: 1 } }),
      { action: 'dead-letter', kind: 'exhausted' },
    ],
    [
      'deferred, to the shortest wait queue that is long enough',
      { kind: 'deferred', reason, delayMs: 2_000 },
      at(3),
      { action: 'defer', delayMs: 5_000 },
    ],
    [
      'deferred, longer than every wait queue',
      { kind: 'deferred', reason, delayMs: 60_000 },
      at(1),
      { action: 'defer', delayMs: 25_000 },
    ],
    [
      'deferred, on the last attempt (it does not count)',
      { kind: 'deferred', reason, delayMs: 1_000 },
      at(4),
      { action: 'defer', delayMs: 1_000 },
    ],
    [
      'deferred, with no wait queue',
      { kind: 'deferred', reason, delayMs: 700 },
      at(1, { waitDelaysMs: [] }),
      { action: 'requeue', afterMs: 700 },
    ],
    ['outage', { kind: 'outage', reason }, at(1), { action: 'pause' }],
    ['outage, on the last attempt', { kind: 'outage', reason }, at(4), { action: 'pause' }],
    [
      'move refused once',
      { kind: 'move-refused', reason, refusedInARow: 1 },
      at(1),
      { action: 'requeue', afterMs: 1_000 },
    ],
    [
      'move refused three times in a row',
      { kind: 'move-refused', reason, refusedInARow: 3 },
      at(1),
      { action: 'requeue', afterMs: 4_000 },
    ],
    [
      'move refused for a long time',
      { kind: 'move-refused', reason, refusedInARow: 40 },
      at(1),
      { action: 'requeue', afterMs: maxRefusedMoveDelayMs },
    ],
  ])('%s', (_, failure, given, decision) => {
    expect(routeFailure(failure, given)).toEqual(decision);
  });

  it('never requeues at once: every requeue waits', () => {
    for (let n = 1; n < 50; n++) {
      const decision = routeFailure({ kind: 'move-refused', reason, refusedInARow: n }, facts);
      expect(decision.action === 'requeue' && decision.afterMs).toBeGreaterThanOrEqual(1_000);
    }
  });
});

describe('classifyFailure', () => {
  class StoreDown extends Error {}
  const isOutage = (error: unknown) => error instanceof StoreDown;

  it('reads what the handler threw', () => {
    expect(classifyFailure(new PermanentFailure('no such mailbox'), isOutage)).toEqual({
      kind: 'permanent',
      reason: 'PermanentFailure: no such mailbox',
    });
    expect(classifyFailure(new Deferred('claimed by another run', 2_500), isOutage)).toEqual({
      kind: 'deferred',
      reason: 'Deferred: claimed by another run',
      delayMs: 2_500,
    });
    expect(classifyFailure(new StoreDown('connect ECONNREFUSED'), isOutage)).toEqual({
      kind: 'outage',
      reason: 'Error: connect ECONNREFUSED',
    });
    expect(classifyFailure(new TypeError('x is undefined'), isOutage)).toEqual({
      kind: 'transient',
      reason: 'TypeError: x is undefined',
    });
    expect(classifyFailure('a string', isOutage)).toEqual({
      kind: 'transient',
      reason: 'a string',
    });
  });

  it('treats an outage as an ordinary failure when the consumer has no outage policy', () => {
    expect(classifyFailure(new StoreDown('down')).kind).toBe('transient');
  });
});
