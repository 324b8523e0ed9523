import { describe, expect, it } from 'vitest';
import { createEvent } from '@herald/contracts';
import { InFlight } from './in-flight.js';

const event = (n: number) =>
  createEvent(
    'user.registered',
    { userId: `u${n}`, email: `u${n}@example.test`, name: 'U', handle: `u${n}` },
    'api',
  );

describe('InFlight', () => {
  it('gives each event to the first path that takes it, and names the rest as held elsewhere', () => {
    const inFlight = new InFlight();
    const [a, b, c] = [event(1), event(2), event(3)];
    const kick = inFlight.take([a, b]);
    expect(kick.mine.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(kick.elsewhere.size).toBe(0);
    const poll = inFlight.take([b, c]);
    expect(poll.mine.map((e) => e.id)).toEqual([c.id]);
    expect([...poll.elsewhere]).toEqual([b.id]);
  });

  it('lets an event be taken again once its publish is over', () => {
    const inFlight = new InFlight();
    const a = event(4);
    inFlight.take([a]);
    inFlight.release(a.id);
    expect(inFlight.take([a]).mine).toEqual([a]);
  });

  it('takes an event listed twice in one batch once', () => {
    const inFlight = new InFlight();
    const a = event(5);
    const taken = inFlight.take([a, a]);
    expect(taken.mine).toEqual([a]);
    expect([...taken.elsewhere]).toEqual([a.id]);
  });
});
