// The consumer's recovery on the real broker: a queue deleted under running replicas, a move the
// broker refuses, a Deferred, and an outage of a handler's dependency.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueTopology, type QueueTopology } from '@herald/contracts';
import {
  deleteNamespace,
  eventually,
  recordOutcomes,
  servers,
  setPolicy,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { BrokerConnection } from './connection.js';
import { Consumer, refusedMovesBeforeNotReady, type Handler } from './consumer.js';
import { listDeadLetters } from './dlq.js';
import { Deferred, PermanentFailure } from './errors.js';
import { aUserRegistered } from './fixtures.js';
import type { OutagePolicy } from './outage.js';
import type { LifecycleEvent } from './outcome.js';
import { Publisher } from './publisher.js';

let namespace: string;
let connections: BrokerConnection[];
let topology: QueueTopology<'user.registered'>;

function open(name: string): BrokerConnection {
  const connection = new BrokerConnection({
    url: servers.rabbitmq,
    name: `${namespace}${name}`,
    logger: testLogger,
    reconnectInitialMs: 50,
  });
  connection.start();
  connections.push(connection);
  return connection;
}

async function startPublisher(): Promise<Publisher<'user.registered'>> {
  const publisher = new Publisher({
    connection: open('publisher'),
    source: 'api',
    produces: ['user.registered'],
    namespace,
    logger: testLogger,
  });
  await publisher.start();
  return publisher;
}

async function startConsumer(
  name: string,
  handler: Handler<'user.registered'>,
  outage?: OutagePolicy,
) {
  const consumer = new Consumer({
    connection: open(name),
    topology,
    name,
    logger: testLogger,
    ...(outage ? { outage } : {}),
  });
  consumer.on('user.registered', handler);
  const outcomes = recordOutcomes(consumer);
  /** Each subscription change, with what readiness read right then. */
  const lifecycle: { event: LifecycleEvent; consuming: boolean }[] = [];
  consumer.onLifecycle((event) => lifecycle.push({ event, consuming: consumer.consuming }));
  await consumer.start();
  await eventually(`${name} subscribed`, () => consumer.consuming);
  return { consumer, outcomes, lifecycle };
}

/** A plain channel on its own connection, for what an operator or the broker would do. */
async function adminChannel() {
  const connection = open('admin');
  await connection.waitUntilConnected(10_000);
  return connection.current!.createConfirmChannel();
}

beforeEach(() => {
  namespace = uniqueNamespace('recov');
  connections = [];
  topology = queueTopology({
    queue: 'test',
    consumes: ['user.registered'],
    namespace,
    retry: { delaysMs: [100, 400], maxAttempts: 3 },
  });
});

afterEach(async () => {
  for (const c of connections) await c.close();
  await deleteNamespace(namespace);
});

describe('a queue deleted under its running consumers', () => {
  it('makes both replicas read not ready, re-declare the queue and consume again', async () => {
    const handled: string[] = [];
    const handler: Handler<'user.registered'> = async (event) => {
      handled.push(event.id);
    };
    const replicas = [await startConsumer('one', handler), await startConsumer('two', handler)];
    const publisher = await startPublisher();

    const admin = await adminChannel();
    await admin.deleteQueue(topology.queue);
    for (const { consumer, lifecycle } of replicas) {
      await eventually('cancel noticed', () => lifecycle.length > 0);
      expect(lifecycle[0]).toEqual({
        event: { type: 'cancelled', queue: topology.queue },
        consuming: false,
      });
      await eventually('consuming again', () => consumer.consuming);
    }
    expect((await admin.checkQueue(topology.queue)).consumerCount).toBe(2);

    const sent: string[] = [];
    for (let n = 0; n < 10; n++)
      sent.push((await publisher.publish('user.registered', aUserRegistered(n))).id);
    await eventually('every message handled', () => handled.length === sent.length);
    expect([...handled].sort()).toEqual([...sent].sort());
    expect(replicas.every(({ lifecycle }) => lifecycle.length === 1)).toBe(true);
  });
});

describe('a move the broker refuses', () => {
  it('nacks the message back instead of holding it, reads not ready while refusals repeat, and dead-letters it once the DLQ takes it', async () => {
    // A DLQ that rejects every publish once it holds one message.
    const policy = `${namespace}full-dlq`;
    const pattern = `^${topology.deadLetterQueue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    await setPolicy(policy, pattern, { 'max-length': 0, overflow: 'reject-publish' });
    const attempts: number[] = [];
    const { consumer, outcomes } = await startConsumer('refused', async (_event, ctx) => {
      attempts.push(ctx.attempt);
      throw new PermanentFailure('mailbox does not exist');
    });
    const admin = await adminChannel();
    await eventually('the DLQ refuses', async () => {
      try {
        admin.sendToQueue(topology.deadLetterQueue, Buffer.from('filler'));
        await admin.waitForConfirms();
        return false;
      } catch {
        return true;
      }
    });

    const publisher = await startPublisher();
    const sent = await publisher.publish('user.registered', aUserRegistered(1));
    await eventually(
      'refused again and again',
      () => !consumer.consuming && attempts.length >= refusedMovesBeforeNotReady,
    );
    // Each refusal put the message back, to be delivered again as the same attempt.
    expect(attempts.every((a) => a === 1)).toBe(true);
    expect(outcomes.seen.filter((o) => o.status !== 'requeued')).toEqual([]);
    expect(outcomes.seen.every((o) => o.status === 'requeued' && o.cause === 'move-refused')).toBe(
      true,
    );

    await setPolicy(policy, pattern, { 'max-length': 1_000_000, overflow: 'reject-publish' });
    await admin.purgeQueue(topology.deadLetterQueue);
    await outcomes.until(
      'dead-lettered',
      (all) => all.some((o) => o.status === 'dead-lettered'),
      30_000,
    );
    expect(consumer.consuming).toBe(true);
    const dead = await listDeadLetters(connections[0]!.current!, topology);
    expect(dead).toMatchObject([{ messageId: sent.id, kind: 'permanent', attempts: 1 }]);
  });
});

describe('Deferred', () => {
  it('brings the message back through a wait queue without spending an attempt', async () => {
    const attempts: number[] = [];
    const { outcomes } = await startConsumer('deferring', async (_event, ctx) => {
      attempts.push(ctx.attempt);
      if (attempts.length < 3) throw new Deferred('another run holds the claim', 100);
    });
    const publisher = await startPublisher();
    await publisher.publish('user.registered', aUserRegistered(1));

    await outcomes.until('acked', (all) => all.some((o) => o.status === 'acked'));
    expect(attempts).toEqual([1, 1, 1]);
    expect(outcomes.seen.map((o) => o.status)).toEqual(['deferred', 'deferred', 'acked']);
    expect(outcomes.seen[0]).toMatchObject({ status: 'deferred', delayMs: 100 });
  });
});

describe('an outage of the handlers’ dependency', () => {
  it('stops taking messages, requeues the ones in flight once, and resumes when the probe answers', async () => {
    const dependency = { down: true };
    const failed: string[] = [];
    const handled: string[] = [];
    class DependencyDown extends Error {}
    const { consumer, outcomes, lifecycle } = await startConsumer(
      'paused',
      async (event) => {
        if (dependency.down) {
          failed.push(event.id);
          throw new DependencyDown('connect ECONNREFUSED');
        }
        handled.push(event.id);
      },
      {
        isOutage: (error) => error instanceof DependencyDown,
        probe: async () => !dependency.down,
        probeInitialMs: 50,
        probeMaxMs: 200,
      },
    );
    const publisher = await startPublisher();
    const sent: string[] = [];
    for (let n = 0; n < 5; n++)
      sent.push((await publisher.publish('user.registered', aUserRegistered(n))).id);

    await eventually('paused', () => lifecycle.some((l) => l.event.type === 'paused'));
    expect(lifecycle[0]).toMatchObject({ event: { type: 'paused' }, consuming: false });
    // More messages arrive while paused; none of them reaches a handler.
    for (let n = 5; n < 8; n++)
      sent.push((await publisher.publish('user.registered', aUserRegistered(n))).id);
    const admin = await adminChannel();
    await eventually('every message waiting in the queue, with no consumer', async () => {
      const queue = await admin.checkQueue(topology.queue);
      return queue.consumerCount === 0 && queue.messageCount === sent.length;
    });
    expect(consumer.consuming).toBe(false);
    expect(outcomes.seen).toHaveLength(failed.length);
    // Each message went back at most once: no redelivery loop while paused.
    expect(new Set(failed).size).toBe(failed.length);

    dependency.down = false;
    await eventually('every message handled', () => handled.length === sent.length);
    expect([...handled].sort()).toEqual([...sent].sort());
    expect(consumer.consuming).toBe(true);
    const statuses = new Set(outcomes.seen.map((o) => o.status));
    expect([...statuses].sort()).toEqual(['acked', 'requeued']);
    expect(outcomes.seen.every((o) => o.attempt === 1)).toBe(true);
    expect(await listDeadLetters(connections[0]!.current!, topology)).toEqual([]);
  });
});
