// The consumer's recovery logic against a fake broker (test/fake-amqp.ts), on fake timers: what
// it does on a broker-side cancel, a refused move, a Deferred, an outage and a closed channel.
// The same behaviours on the real broker: consumer-recovery.int.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queueTopology } from '@herald/contracts';
import { testLogger } from '@herald/testkit';
import { FakeBroker } from '../test/fake-amqp.js';
import { Consumer, refusedMovesBeforeNotReady, type Handler } from './consumer.js';
import { Deferred, PermanentFailure } from './errors.js';
import { aUserRegistered } from './fixtures.js';
import { Header } from './headers.js';
import type { OutagePolicy } from './outage.js';
import type { LifecycleEvent, Outcome } from './outcome.js';

const topology = queueTopology({
  queue: 'q',
  consumes: ['user.registered'],
  retry: { delaysMs: [100, 400], maxAttempts: 3 },
});

class StoreDown extends Error {}

function setup(handler: Handler<'user.registered'>, outage?: OutagePolicy) {
  const broker = new FakeBroker();
  const consumer = new Consumer({
    connection: broker,
    topology,
    name: 'unit',
    logger: testLogger,
    ...(outage ? { outage } : {}),
  });
  consumer.on('user.registered', handler);
  const outcomes: Outcome[] = [];
  const lifecycle: { event: LifecycleEvent; consuming: boolean }[] = [];
  consumer.onOutcome((o) => outcomes.push(o));
  consumer.onLifecycle((event) => lifecycle.push({ event, consuming: consumer.consuming }));
  return { broker, consumer, outcomes, lifecycle };
}

/** Lets fake time pass in small steps until `done()` holds (or fails after `maxMs` of it). */
async function until(what: string, done: () => boolean, maxMs = 60_000): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > maxMs) throw new Error(`never happened: ${what}`);
    await vi.advanceTimersByTimeAsync(10);
  }
}

const statuses = (outcomes: Outcome[]) => outcomes.map((o) => o.status);

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a broker-side cancel (the queue was deleted)', () => {
  it('re-declares the topology and subscribes again, reading not consuming in between', async () => {
    const { broker, consumer, outcomes, lifecycle } = setup(async () => undefined);
    await consumer.start();
    expect(consumer.consuming).toBe(true);
    const declaredBefore = broker.channel.declared.length;

    broker.channel.brokerCancel();
    expect(consumer.consuming).toBe(false);
    expect(lifecycle).toEqual([{ event: { type: 'cancelled', queue: 'q' }, consuming: false }]);

    await until('subscribed again', () => consumer.consuming);
    expect(broker.channel.declared.slice(declaredBefore)).toContain('q');
    expect(broker.channels).toHaveLength(1); // the same channel: it never closed
    broker.publish('user.registered', aUserRegistered(1));
    await until('handled', () => outcomes.length === 1);
    expect(statuses(outcomes)).toEqual(['acked']);
  });

  it('keeps trying with backoff while subscribing fails', async () => {
    const { broker, consumer } = setup(async () => undefined);
    await consumer.start();
    broker.channel.failConsumes = 4;
    broker.channel.brokerCancel();

    await until('subscribed again', () => consumer.consuming);
    expect(broker.channel.failConsumes).toBe(0);
    expect(broker.channel.frames.filter((f) => f === 'consume')).toHaveLength(2);
  });

  it('does not subscribe again once stopped', async () => {
    const { broker, consumer } = setup(async () => undefined);
    await consumer.start();
    broker.channel.brokerCancel();
    await consumer.stop(100);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(broker.channel.frames.filter((f) => f === 'consume')).toHaveLength(1);
    expect(consumer.consuming).toBe(false);
  });
});

describe('a move the broker refuses', () => {
  it('nacks the message back after a delay, counts it, re-declares, and reads not ready after repeated refusals', async () => {
    const seen: number[] = [];
    const { broker, consumer, outcomes } = setup(async (_event, ctx) => {
      seen.push(ctx.attempt);
      throw new PermanentFailure('mailbox does not exist');
    });
    await consumer.start();
    const channel = broker.channel;
    channel.refusePublishes = true;
    const declaredBefore = channel.declared.length;
    broker.publish('user.registered', aUserRegistered(1));

    await until('the DLQ move was tried', () => channel.published.length === 1);
    await vi.advanceTimersByTimeAsync(900);
    // Not requeued in a tight loop: it waits, unacked, before going back.
    expect(channel.frames.filter((f) => f.startsWith('nack'))).toEqual([]);
    expect(channel.unacked).toBe(1);
    await until('nacked back', () => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ status: 'requeued', cause: 'move-refused', attempt: 1 });
    expect(channel.declared.slice(declaredBefore)).toContain(topology.deadLetterQueue);
    expect(consumer.consuming).toBe(true);

    await until('refused again and again', () => outcomes.length === refusedMovesBeforeNotReady);
    expect(consumer.consuming).toBe(false);
    expect(seen.every((attempt) => attempt === 1)).toBe(true); // refusals spend no attempt

    channel.refusePublishes = false;
    await until('dead-lettered', () => outcomes.some((o) => o.status === 'dead-lettered'));
    expect(consumer.consuming).toBe(true);
    expect(channel.unacked).toBe(0);
    expect(channel.published.at(-1)).toMatchObject({
      exchange: topology.retryExchange,
      routingKey: 'dead',
      headers: { [Header.attempt]: 1, [Header.errorKind]: 'permanent' },
    });
  });

  it('nacks at once when the consumer stops, so the message is not held through the drain', async () => {
    const { broker, consumer, outcomes } = setup(async () => {
      throw new Error('smtp down');
    });
    await consumer.start();
    const channel = broker.channel;
    channel.refusePublishes = true;
    broker.publish('user.registered', aUserRegistered(1));
    await until('the retry move was tried', () => channel.published.length === 1);

    const stopped = consumer.stop(60_000);
    await vi.advanceTimersByTimeAsync(50);
    expect(await stopped).toEqual({ drained: true });
    expect(outcomes).toMatchObject([{ status: 'requeued', cause: 'move-refused' }]);
    expect(channel.frames).toContain('nack:1');
  });
});

describe('Deferred', () => {
  it('comes back through a wait queue as the same attempt', async () => {
    const { broker, consumer, outcomes } = setup(async () => {
      throw new Deferred('another run holds the claim', 300);
    });
    await consumer.start();
    broker.publish('user.registered', aUserRegistered(1), { [Header.attempt]: 2 });

    await until('deferred', () => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ status: 'deferred', attempt: 2, delayMs: 400 });
    expect(broker.channel.published).toEqual([
      {
        exchange: topology.retryExchange,
        routingKey: 'wait.400',
        headers: expect.objectContaining({ [Header.attempt]: 2 }) as unknown,
      },
    ]);
    expect(broker.channel.frames).toContain('ack-upto:1');
  });
});

describe('an outage', () => {
  function outageSetup(failure = () => new StoreDown('connect ECONNREFUSED 127.0.0.1:27017')) {
    const state = {
      down: true,
      /** The handler fails although the store answers its probe: the message's own fault. */
      broken: false,
      probes: 0,
      handled: [] as string[],
      failed: [] as string[],
    };
    const outage: OutagePolicy = {
      isOutage: (error) => error instanceof StoreDown,
      probe: async () => {
        state.probes++;
        return !state.down;
      },
      probeInitialMs: 100,
      probeMaxMs: 1_000,
    };
    const { broker, consumer, outcomes, lifecycle } = setup(async (event) => {
      if (state.down || state.broken) {
        state.failed.push(event.id);
        throw failure();
      }
      state.handled.push(event.id);
    }, outage);
    return { state, broker, consumer, outcomes, lifecycle };
  }

  it('cancels the subscription first, requeues what was in flight once, and spends no attempt', async () => {
    const { state, broker, consumer, outcomes, lifecycle } = outageSetup();
    await consumer.start();
    const ids = [1, 2, 3].map((n) => broker.publish('user.registered', aUserRegistered(n)));

    await until('all three requeued', () => outcomes.length === 3);
    expect(statuses(outcomes)).toEqual(['requeued', 'requeued', 'requeued']);
    expect(outcomes.every((o) => o.status === 'requeued' && o.cause === 'outage')).toBe(true);
    const frames = broker.channel.frames;
    expect(frames.slice(0, 2)).toEqual(['consume', 'cancel']); // cancelled before any nack
    expect(frames.filter((f) => f.startsWith('nack'))).toHaveLength(3);
    expect(consumer.consuming).toBe(false);
    expect(lifecycle.map((l) => [l.event.type, l.consuming])).toEqual([['paused', false]]);

    // Paused: the messages wait in the queue, no handler runs, nothing goes to a wait queue.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(state.failed).toHaveLength(3);
    expect(broker.ready).toBe(3);
    expect(state.probes).toBeGreaterThan(3);
    expect(broker.channel.published).toEqual([]);

    state.down = false;
    await until('handled after the outage', () => state.handled.length === 3);
    expect(consumer.consuming).toBe(true);
    expect(lifecycle.map((l) => l.event.type)).toEqual(['paused', 'resumed']);
    expect(state.handled.sort()).toEqual([...ids].sort());
    await until('acked', () => outcomes.length === 6);
    expect(outcomes.slice(3).every((o) => o.status === 'acked' && o.attempt === 1)).toBe(true);
  });

  it('pauses on an error the policy cannot place while the probe fails, and retries it while the probe answers', async () => {
    const { state, broker, consumer, outcomes } = outageSetup(
      () => new Error('InternalError: backend connection pool is closed'),
    );
    await consumer.start();
    broker.publish('user.registered', aUserRegistered(1));
    await until('requeued', () => outcomes.length === 1);
    expect(outcomes[0]).toMatchObject({ status: 'requeued', cause: 'outage', attempt: 1 });
    expect(consumer.consuming).toBe(false);

    state.down = false;
    state.broken = true;
    await until('retried', () => outcomes.length === 2);
    expect(outcomes[1]).toMatchObject({ status: 'retried', attempt: 1 });
  });

  it('stops probing when the consumer stops', async () => {
    const { state, broker, consumer } = outageSetup();
    await consumer.start();
    broker.publish('user.registered', aUserRegistered(1));
    await until('paused', () => !consumer.consuming && state.failed.length === 1);

    expect(await consumer.stop(1_000)).toEqual({ drained: true });
    const probes = state.probes;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(state.probes).toBe(probes);
    expect(broker.channel.closed).toBe(true);
  });
});

describe('a channel the broker closes while the connection lives', () => {
  it('opens another channel and consumes again; unacked messages come back there', async () => {
    let calls = 0;
    const { broker, consumer, outcomes } = setup(async () => {
      calls++;
      if (calls === 1) broker.channel.brokerClose();
    });
    await consumer.start();
    broker.publish('user.registered', aUserRegistered(1));

    await until('handled on a new channel', () => outcomes.length === 1);
    expect(broker.channels).toHaveLength(2);
    expect(calls).toBe(2);
    expect(consumer.consuming).toBe(true);
  });
});
