import { describe, expect, it } from 'vitest';
import { RouteBackoff, type Route } from './route-backoff.js';

const tasks: Route = { exchange: 'tasks', routingKey: 'task.created' };
const comments: Route = { exchange: 'tasks', routingKey: 'comment.created' };
const identity: Route = { exchange: 'identity', routingKey: 'user.registered' };

function backoff() {
  return new RouteBackoff({
    initialMs: 1_000,
    maxMs: 8_000,
    reportEveryMs: 60_000,
    settleMs: 10_000,
  });
}

describe('RouteBackoff', () => {
  it('retries a returned route after the initial delay, not before', () => {
    const b = backoff();
    b.returned(tasks, 0);
    expect(b.due(999)).toEqual([]);
    expect(b.due(1_000)).toEqual([tasks]);
    expect(b.nextDueAt()).toBe(1_000);
  });

  it('doubles the delay each time a retry comes back, up to the maximum', () => {
    const b = backoff();
    b.returned(tasks, 0);
    const waits: number[] = [];
    let now = 1_000;
    for (let i = 0; i < 5; i++) {
      b.retryFailed(tasks, now, true);
      const next = b.nextDueAt()!;
      waits.push(next - now);
      now = next;
    }
    expect(waits).toEqual([2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('does not push a route back when more of its events come back meanwhile', () => {
    const b = backoff();
    b.returned(tasks, 0);
    b.returned(tasks, 900);
    b.returned(tasks, 950);
    expect(b.due(1_000)).toEqual([tasks]);
  });

  it('keeps routes apart', () => {
    const b = backoff();
    b.returned(tasks, 0);
    b.returned(identity, 500);
    b.retryFailed(tasks, 1_000, true);
    expect(b.due(1_500)).toEqual([identity]);
    expect(b.due(3_000)).toEqual([tasks, identity]);
  });

  it('makes a route due at once when a publish with its routing key went through', () => {
    const b = backoff();
    b.returned(tasks, 0);
    b.returned(comments, 0);
    b.routedKey('task.created', 500);
    expect(b.due(500)).toEqual([tasks]);
  });

  it('forgets a cleared route, which then starts again from the initial delay', () => {
    const b = backoff();
    b.returned(tasks, 0);
    b.retryFailed(tasks, 1_000, true);
    b.retryFailed(tasks, 3_000, true);
    b.cleared(tasks);
    expect(b.routes).toEqual([]);
    expect(b.nextDueAt()).toBeUndefined();
    b.returned(tasks, 10_000);
    expect(b.nextDueAt()).toBe(11_000);
  });

  it('schedules a route found waiting in the store like a newly returned one, without counting a return', () => {
    const b = backoff();
    b.waiting(tasks, 5_000);
    expect(b.due(6_000)).toEqual([tasks]);
    expect(b.reports(6_000)).toEqual([]);
  });

  it('backs off on a failed retry that was not a return, without reporting it as one', () => {
    const b = backoff();
    b.waiting(tasks, 0);
    b.retryFailed(tasks, 1_000, false);
    expect(b.due(2_999)).toEqual([]);
    expect(b.due(3_000)).toEqual([tasks]);
    expect(b.reports(3_000)).toEqual([]);
  });

  it('reports a route at its first return, then at most once per interval with what came back meanwhile', () => {
    const b = backoff();
    b.returned(tasks, 0);
    b.returned(tasks, 10);
    expect(b.reports(20)).toEqual([{ route: tasks, returned: 2 }]);
    for (let t = 1_000; t < 60_000; t += 1_000) {
      b.returned(tasks, t);
      expect(b.reports(t)).toEqual([]);
    }
    b.retryFailed(tasks, 59_500, true);
    expect(b.reports(60_020)).toEqual([{ route: tasks, returned: 60 }]);
    expect(b.reports(60_030)).toEqual([]);
  });

  it('reports each route on its own schedule', () => {
    const b = backoff();
    b.returned(tasks, 0);
    expect(b.reports(0)).toEqual([{ route: tasks, returned: 1 }]);
    b.returned(identity, 30_000);
    b.returned(tasks, 30_000);
    expect(b.reports(30_000)).toEqual([{ route: identity, returned: 1 }]);
    expect(b.reports(60_000)).toEqual([{ route: tasks, returned: 1 }]);
  });

  describe('ready: how many of the queues its consumers declare exist', () => {
    it('lets a route go when all of them exist', () => {
      const b = backoff();
      b.returned(tasks, 0);
      expect(b.ready(tasks, 3, 3, 1_000)).toBe(true);
    });

    it('backs a route off like a return when none exists, without reporting one', () => {
      const b = backoff();
      b.returned(tasks, 0);
      b.reports(0);
      expect(b.ready(tasks, 0, 3, 1_000)).toBe(false);
      expect(b.nextDueAt()).toBe(3_000);
      expect(b.ready(tasks, 0, 3, 3_000)).toBe(false);
      expect(b.nextDueAt()).toBe(7_000);
      expect(b.reports(70_000)).toEqual([]);
    });

    it('holds a route whose queues are partly there, looking again soon, until the rest appear', () => {
      const b = backoff();
      b.returned(tasks, 0);
      expect(b.ready(tasks, 1, 3, 1_000)).toBe(false);
      expect(b.nextDueAt()).toBe(2_000);
      expect(b.ready(tasks, 2, 3, 2_000)).toBe(false);
      expect(b.ready(tasks, 3, 3, 3_000)).toBe(true);
    });

    it('lets a partly served route go once the first queue has been there for the settle time', () => {
      const b = backoff();
      b.returned(tasks, 0);
      expect(b.ready(tasks, 1, 3, 1_000)).toBe(false);
      for (let t = 2_000; t < 11_000; t += 1_000) expect(b.ready(tasks, 1, 3, t)).toBe(false);
      expect(b.nextDueAt()).toBe(11_000);
      expect(b.ready(tasks, 1, 3, 11_000)).toBe(true);
    });

    it('starts the settle time again when the queues went away meanwhile', () => {
      const b = backoff();
      b.returned(tasks, 0);
      expect(b.ready(tasks, 1, 3, 1_000)).toBe(false);
      expect(b.ready(tasks, 0, 3, 5_000)).toBe(false);
      expect(b.ready(tasks, 1, 3, 20_000)).toBe(false);
      expect(b.ready(tasks, 1, 3, 29_000)).toBe(false);
      expect(b.ready(tasks, 1, 3, 30_000)).toBe(true);
    });
  });
});
