import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelModel } from 'amqplib';
import { exchangeName, queueTopology, type Event, type QueueTopology } from '@herald/contracts';
import {
  closeConnections,
  deleteNamespace,
  eventually,
  recordOutcomes,
  servers,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { BrokerConnection } from './connection.js';
import { Consumer, defaultMaxMessageBytes, type Handler } from './consumer.js';
import { listDeadLetters, replayDeadLetters } from './dlq.js';
import { PermanentFailure } from './errors.js';
import { aUserRegistered } from './fixtures.js';
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

async function startConsumer(handler: Handler<'user.registered'>, prefetch = 10) {
  const consumer = new Consumer({
    connection: open('consumer'),
    topology,
    name: 'test-consumer',
    logger: testLogger,
    prefetch,
  });
  consumer.on('user.registered', handler);
  const outcomes = recordOutcomes(consumer);
  await consumer.start();
  await eventually('consumer subscribed', () => consumer.consuming);
  return { consumer, outcomes };
}

/** A raw channel for publishing what no Herald producer would send. */
async function rawConnection(): Promise<ChannelModel> {
  const connection = open('raw');
  await connection.waitUntilConnected(10_000);
  return connection.current!;
}

beforeEach(() => {
  namespace = uniqueNamespace('bus');
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

describe('publish and consume', () => {
  it('delivers a confirmed publish to the typed handler and acks it', async () => {
    const received: Event<'user.registered'>[] = [];
    const { outcomes } = await startConsumer(async (event) => {
      received.push(event);
    });
    const publisher = await startPublisher();
    const sent = await publisher.publish('user.registered', aUserRegistered(1));

    await outcomes.until('ack', (all) => all.some((o) => o.status === 'acked'));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: sent.id,
      type: 'user.registered',
      source: 'api',
      data: aUserRegistered(1),
    });
  });

  it('refuses to publish a payload that breaks the contract', async () => {
    const publisher = await startPublisher();
    const bad = { ...aUserRegistered(1), email: 'not-an-email' };
    await expect(publisher.publish('user.registered', bad)).rejects.toThrow(/email/);
  });
});

describe('failures', () => {
  it('retries a throwing handler with growing delays, then dead-letters it with the error', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    const { outcomes } = await startConsumer(async (_event, ctx) => {
      attempts.push({ attempt: ctx.attempt, at: Date.now() });
      throw new Error(`smtp down (attempt ${ctx.attempt})`);
    });
    const publisher = await startPublisher();
    const sent = await publisher.publish('user.registered', aUserRegistered(2));

    await outcomes.until('dead-letter', (all) => all.some((o) => o.status === 'dead-lettered'));
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const retries = outcomes.seen.filter((o) => o.status === 'retried');
    expect(retries.map((o) => o.status === 'retried' && o.delayMs)).toEqual([100, 400]);
    // The broker held each message at least as long as its wait queue's TTL.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(100);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(400);

    const dead = await listDeadLetters(connections[0]!.current!, topology);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      messageId: sent.id,
      type: 'user.registered',
      kind: 'exhausted',
      attempts: 3,
      error: 'Error: smtp down (attempt 3)',
      consumer: 'test-consumer',
      originalExchange: exchangeName('identity', namespace),
      originalRoutingKey: 'user.registered',
    });
    expect(JSON.parse(dead[0]!.body)).toMatchObject({ id: sent.id, data: aUserRegistered(2) });
  });

  it('dead-letters a permanent failure at once', async () => {
    const { outcomes } = await startConsumer(async () => {
      throw new PermanentFailure('mailbox does not exist');
    });
    const publisher = await startPublisher();
    await publisher.publish('user.registered', aUserRegistered(3));
    await outcomes.until('dead-letter', (all) => all.some((o) => o.status === 'dead-lettered'));
    expect(outcomes.seen.filter((o) => o.status === 'retried')).toHaveLength(0);
    const dead = await listDeadLetters(connections[0]!.current!, topology);
    expect(dead[0]).toMatchObject({ kind: 'permanent', attempts: 1 });
  });

  it('sends malformed messages straight to the DLQ with the reason and keeps consuming', async () => {
    const handled: string[] = [];
    const { outcomes } = await startConsumer(async (event) => {
      handled.push(event.id);
    });
    const raw = await rawConnection();
    const channel = await raw.createConfirmChannel();
    const exchange = exchangeName('identity', namespace);
    const poison: [string, Buffer][] = [
      ['not json', Buffer.from('{oops')],
      [
        'wrong schema',
        Buffer.from(
          JSON.stringify({
            id: crypto.randomUUID(),
            type: 'user.registered',
            version: 1,
            source: 'x',
            time: new Date().toISOString(),
            data: { userId: 1 },
          }),
        ),
      ],
      [
        'unknown version',
        Buffer.from(
          JSON.stringify({
            id: crypto.randomUUID(),
            type: 'user.registered',
            version: 99,
            source: 'x',
            time: new Date().toISOString(),
            data: aUserRegistered(4),
          }),
        ),
      ],
      ['no envelope', Buffer.from('[]')],
      ['oversize', Buffer.from(JSON.stringify({ pad: 'x'.repeat(defaultMaxMessageBytes) }))],
    ];
    for (const [, body] of poison) {
      channel.publish(exchange, 'user.registered', body); // no properties, no headers at all
    }
    await channel.waitForConfirms();
    const publisher = await startPublisher();
    const good = await publisher.publish('user.registered', aUserRegistered(5));

    await outcomes.until('all outcomes', (all) => all.length === poison.length + 1);
    expect(handled).toEqual([good.id]);
    const dead = await listDeadLetters(connections[0]!.current!, topology);
    expect(dead.map((d) => d.kind)).toEqual(poison.map(() => 'invalid'));
    expect(dead[0]!.error).toMatch(/invalid JSON/);
    expect(dead[1]!.error).toMatch(/user\.registered/);
    expect(dead[2]!.error).toMatch(/unsupported version 99/);
    expect(dead[3]!.error).toMatch(/envelope/);
    expect(dead[4]!.error).toMatch(/bytes is over the 1048576-byte limit/);
    expect(dead[0]!.body).toBe('{oops');
  });
});

describe('dlq replay', () => {
  it('returns a dead-lettered message to its queue, where it is then processed', async () => {
    let broken = true;
    const handled: number[] = [];
    const { outcomes } = await startConsumer(async (_event, ctx) => {
      if (broken) throw new PermanentFailure('template missing');
      handled.push(ctx.attempt);
    });
    const publisher = await startPublisher();
    const sent = await publisher.publish('user.registered', aUserRegistered(6));
    await outcomes.until('dead-letter', (all) => all.some((o) => o.status === 'dead-lettered'));

    broken = false;
    const replayed = await replayDeadLetters(connections[0]!.current!, topology, {
      messageId: sent.id,
    });
    expect(replayed).toBe(1);
    await outcomes.until('ack after replay', (all) =>
      all.some((o) => o.status === 'acked' && o.eventId === sent.id),
    );
    expect(handled).toEqual([1]);
    expect(await listDeadLetters(connections[0]!.current!, topology)).toEqual([]);
  });
});

describe('reconnect', () => {
  it('recovers from broker-side connection closes without losing a message', async () => {
    const handled = new Set<string>();
    const { consumer } = await startConsumer(async (event) => {
      handled.add(event.id);
    }, 20);
    const publisher = await startPublisher();
    const sent = new Set<string>();
    const total = 300;
    const publishing = (async () => {
      for (let i = 0; i < total; i++) {
        // A publish that hits the outage fails loudly; the caller (the outbox) retries it.
        for (;;) {
          try {
            sent.add((await publisher.publish('user.registered', aUserRegistered(i))).id);
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      }
    })();
    await eventually('some traffic', () => handled.size > 20);
    expect(await closeConnections(namespace)).toBeGreaterThanOrEqual(2);
    await publishing;
    await eventually('every message handled', () => handled.size === total, 30_000);
    expect([...sent].every((id) => handled.has(id))).toBe(true);
    await eventually('re-subscribed', () => consumer.consuming);
  });
});
