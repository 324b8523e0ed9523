// A publish no queue receives is a failed publish, on the real broker: the Publisher's, and the
// DLQ replay's (which shares `publishConfirmed` with the consumer's moves).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetryRoute, exchangeName, queueTopology, services } from '@herald/contracts';
import {
  deleteNamespace,
  deleteQueue,
  eventually,
  recordOutcomes,
  servers,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { BrokerConnection } from './connection.js';
import { Consumer } from './consumer.js';
import { ReplayQueueMissing, listDeadLetters, replayDeadLetters } from './dlq.js';
import { PermanentFailure, PublishUnroutable } from './errors.js';
import { aUserRegistered } from './fixtures.js';
import { Publisher } from './publisher.js';
import { declareQueueTopology, ensureExchanges } from './topology.js';

const run = promisify(execFile);
let namespace: string;
let connections: BrokerConnection[];

async function open(name: string): Promise<BrokerConnection> {
  const connection = new BrokerConnection({
    url: servers.rabbitmq,
    name: `${namespace}${name}`,
    logger: testLogger,
  });
  connection.start();
  connections.push(connection);
  await connection.waitUntilConnected(10_000);
  return connection;
}

async function startPublisher() {
  const publisher = new Publisher({
    connection: await open('publisher'),
    source: 'api',
    produces: ['user.registered', 'workspace.created'],
    namespace,
    logger: testLogger,
  });
  await publisher.start();
  return publisher;
}

/**
 * A plain queue bound to `routingKey` on the identity exchange, as a consumer would declare it;
 * resolves with a probe of how many messages it holds (straight from the broker, not the
 * management API's periodic statistics).
 */
async function bindQueue(name: string, routingKey: string): Promise<() => Promise<number>> {
  const channel = await (await open(`admin-${name}`)).current!.createChannel();
  const queue = `${namespace}${name}`;
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchangeName('identity', namespace), routingKey);
  return async () => (await channel.checkQueue(queue)).messageCount;
}

beforeEach(() => {
  namespace = uniqueNamespace('unroutable');
  connections = [];
});

afterEach(async () => {
  for (const c of connections) await c.close();
  await deleteNamespace(namespace);
});

describe('Publisher', () => {
  it('fails a publish no queue is bound to receive with PublishUnroutable, and succeeds once one is', async () => {
    const publisher = await startPublisher();
    const failure: unknown = await publisher
      .publish('user.registered', aUserRegistered(1))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishUnroutable);
    expect(failure).toMatchObject({
      exchange: exchangeName('identity', namespace),
      routingKey: 'user.registered',
    });

    const depth = await bindQueue('welcome', 'user.registered');
    await publisher.publish('user.registered', aUserRegistered(2));
    await eventually('the second publish queued', async () => (await depth()) === 1);
  });

  it('fails exactly the unroutable ones of many publishes in flight at once', async () => {
    const publisher = await startPublisher();
    const depth = await bindQueue('users', 'user.registered');
    const total = 200;
    const results = await Promise.allSettled(
      Array.from({ length: total }, (_, i) =>
        i % 2 === 0
          ? publisher.publish('user.registered', aUserRegistered(i))
          : publisher.publish('workspace.created', {
              workspaceId: `w-${i}`,
              name: `W ${i}`,
              owner: { userId: `u-${i}`, name: `U ${i}` },
            }),
      ),
    );
    const outcome = (i: number) => results[i]!.status;
    const routed = results.map((_, i) => i).filter((i) => outcome(i) === 'fulfilled');
    expect(routed).toEqual(results.map((_, i) => i).filter((i) => i % 2 === 0));
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect(result.reason).toBeInstanceOf(PublishUnroutable);
    }
    await eventually('every routed one queued', async () => (await depth()) === 100);
  });
});

describe('DLQ replay to a queue that no longer exists', () => {
  it('fails with ReplayQueueMissing naming the queue and leaves the message in the DLQ', async () => {
    const topology = queueTopology({
      queue: 'test',
      consumes: ['user.registered'],
      namespace,
      retry: { delaysMs: [100], maxAttempts: 2 },
    });
    const consumer = new Consumer({
      connection: await open('consumer'),
      topology,
      name: 'test-consumer',
      logger: testLogger,
    });
    consumer.on('user.registered', async () => {
      throw new PermanentFailure('template missing');
    });
    const outcomes = recordOutcomes(consumer);
    await consumer.start();
    const publisher = await startPublisher();
    const sent = await publisher.publish('user.registered', aUserRegistered(3));
    await outcomes.until('dead-lettered', (all) => all.some((o) => o.status === 'dead-lettered'));
    await consumer.stop();
    await deleteQueue(topology.queue);

    const admin = (await open('dlq')).current!;
    const failure: unknown = await replayDeadLetters(admin, topology, { messageId: sent.id }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ReplayQueueMissing);
    expect(String(failure)).toContain(topology.queue);
    const left = await listDeadLetters(admin, topology);
    expect(left.map((d) => d.messageId)).toEqual([sent.id]);
  });

  it('makes `npm run dlq -- <service> replay` exit non-zero with a message naming the queue', async () => {
    const topology = queueTopology({
      queue: 'mailer',
      consumes: services.mailer.consumes,
      namespace,
    });
    const setup = (await open('setup')).current!;
    await ensureExchanges(
      setup,
      topology.bindings.map((b) => b.exchange),
    );
    const channel = await setup.createConfirmChannel();
    await declareQueueTopology(channel, topology);
    channel.publish(topology.retryExchange, RetryRoute.dead, Buffer.from('{}'), {
      messageId: 'dead-one',
      persistent: true,
    });
    await channel.waitForConfirms();
    await channel.close();
    await deleteQueue(topology.queue);

    const root = join(import.meta.dirname, '../../..');
    const cli = join(root, 'packages/bus/src/cli/dlq.ts');
    const failure = (await run(
      process.execPath,
      ['--conditions=@herald/source', '--import', 'tsx', cli, 'mailer', 'replay', '--all'],
      {
        cwd: root,
        env: { ...process.env, RABBITMQ_URL: servers.rabbitmq, HERALD_NAMESPACE: namespace },
      },
    ).catch((error: unknown) => error)) as { code?: number; stderr?: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain(`${topology.queue} does not exist`);

    const admin = (await open('dlq')).current!;
    expect((await listDeadLetters(admin, topology)).map((d) => d.messageId)).toEqual(['dead-one']);
  });
});
