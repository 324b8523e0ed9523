// Events the broker returns because no queue is bound yet, on the real broker and store: kept,
// retried, relayed once a queue appears, by exactly one relay, even when the one that kept them dies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from 'amqplib';
import type { Collection, Db, MongoClient } from 'mongodb';
import { BrokerConnection, Publisher, existingQueues } from '@herald/bus';
import { createEvent, exchangeName, type AnyEvent } from '@herald/contracts';
import {
  closeConnections,
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  recordingLogger,
  servers,
  testLogger,
  uniqueNamespace,
  type LogLine,
} from '@herald/testkit';
import { connectMongo } from './mongo.js';
import { OutboxRelay, outboxFields, outboxWrite, type WithOutbox } from './outbox.js';
import { Outbox } from './event-collection.js';
import type { Route } from './route-backoff.js';

type Doc = { _id: string } & WithOutbox;

let namespace: string;
let client: MongoClient;
let db: Db;
let docs: Collection<Doc>;
let connections: BrokerConnection[];
let relays: OutboxRelay[];

beforeEach(async () => {
  namespace = uniqueNamespace('unroutable');
  ({ client, db } = await connectMongo(mongoUrlForTest(namespace), 'store-test'));
  docs = db.collection<Doc>('docs');
  connections = [];
  relays = [];
});

afterEach(async () => {
  for (const relay of relays) await relay.stop();
  for (const connection of connections) await connection.close();
  await db.dropDatabase();
  await client.close();
  await deleteNamespace(namespace);
});

async function connect(name: string): Promise<BrokerConnection> {
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

/**
 * A relay as the API runs it, with a Publisher on its own connection, and short timings. Given
 * `consumers` (queue names by routing key), it waits for all of them as the API does for the
 * contract's consumer queues.
 */
async function startRelay(
  name: string,
  options: { pollMs?: number; consumers?: Record<string, string[]>; settleMs?: number } = {},
) {
  const { logger, lines } = recordingLogger();
  const connection = await connect(name);
  const publisher = new Publisher({
    connection,
    source: 'api',
    produces: ['user.registered', 'task.created'],
    namespace,
    logger: testLogger,
  });
  await publisher.start();
  const returned: Route[] = [];
  /** How many of the consumers' queues each look found. */
  const looks: number[] = [];
  const relay = new OutboxRelay({
    db,
    outbox: new Outbox(db, ['docs']),
    sink: publisher,
    logger,
    pollMs: options.pollMs ?? 60_000,
    unroutable: {
      initialMs: 100,
      maxMs: 400,
      beatEveryMs: 100,
      staleAfterMs: 1_000,
      settleMs: options.settleMs ?? 60_000,
    },
    onReturned: (route) => returned.push(route),
    ...(options.consumers
      ? {
          consumers: {
            routeOf: (type) => ({
              exchange: exchangeName(type === 'user.registered' ? 'identity' : 'tasks', namespace),
              routingKey: type,
            }),
            connection: () => connection.current,
            queuesFor: ({ routingKey }) =>
              (options.consumers?.[routingKey] ?? []).map((q) => `${namespace}${q}`),
            // As the API does: a queue counts once its DLQ, declared after its bindings, is there.
            existing: async (queues) => {
              const found = await existingQueues(connection.current!, [
                ...queues,
                ...queues.map((q) => `${q}.dlq`),
              ]);
              const bound = new Set(queues.filter((q) => found.has(q) && found.has(`${q}.dlq`)));
              looks.push(bound.size);
              return bound;
            },
          },
        }
      : {}),
  });
  relays.push(relay);
  relay.start();
  return { relay, lines, returned, looks, connection };
}

let users = 0;
function userRegistered(): AnyEvent {
  const n = ++users;
  return createEvent(
    'user.registered',
    { userId: `u${n}`, email: `u${n}@example.test`, name: `U ${n}`, handle: `u${n}` },
    'api',
  );
}

function taskCreated(): AnyEvent {
  return createEvent(
    'task.created',
    {
      taskId: 't1',
      key: 'OPS-1',
      title: 'Title',
      workspaceId: 'w1',
      createdBy: { userId: 'u0', name: 'U 0' },
    },
    'api',
  );
}

/** Stores a document holding `event`, as an adapter's write does; returns its kick. */
async function write(id: string, event: AnyEvent) {
  await docs.insertOne({ _id: id, ...outboxFields([event]) });
  return outboxWrite('docs', id, [event]);
}

/** A queue bound to `routingKey`, as a consumer declares it once it starts. */
async function bindQueue(
  routingKey: 'user.registered' | 'task.created',
  name: string = routingKey,
): Promise<Channel> {
  const channel = await (await connect(`queue-${name}`)).current!.createChannel();
  const queue = `${namespace}${name}`;
  const exchange = routingKey === 'user.registered' ? 'identity' : 'tasks';
  await channel.assertExchange(exchangeName(exchange, namespace), 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchangeName(exchange, namespace), routingKey);
  // Last, as a consumer's topology does (the relay takes it as the sign the queue is bound).
  await channel.assertQueue(`${queue}.dlq`, { durable: true });
  return channel;
}

/** Every message id in the queue `name`, duplicates included (it empties the queue). */
async function drain(channel: Channel, name: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const message = await channel.get(`${namespace}${name}`, { noAck: true });
    if (message === false) return ids;
    ids.push(String(message.properties.messageId));
  }
}

const backlog = async (relay: OutboxRelay) => (await relay.backlog()).count;
const returnedLines = (lines: readonly LogLine[]) =>
  lines.filter((l) => l.level === 'warn' && /no queue is bound/.test(l.msg ?? ''));

describe('an event the broker returned', () => {
  it('waits instead of counting as relayed, and is relayed once when a queue is bound', async () => {
    const { relay, returned } = await startRelay('a');
    const event = userRegistered();
    relay.kick(await write('d1', event));
    await eventually('the event waits', () => returned.length === 1);
    await eventually('it is the backlog', async () => (await backlog(relay)) === 1);
    expect(relay.published).toBe(0);
    expect(returned).toEqual([
      { exchange: exchangeName('identity', namespace), routingKey: 'user.registered' },
    ]);

    const queue = await bindQueue('user.registered');
    await eventually('relayed', async () => (await backlog(relay)) === 0, 10_000);
    await relay.stop();
    expect(await drain(queue, 'user.registered')).toEqual([event.id]);
  });

  it('holds back neither the poll nor the events behind it, and says once which route waits', async () => {
    const identity = await bindQueue('user.registered');
    const { relay, lines } = await startRelay('a', { pollMs: 100 });
    // No kicks: only the poll finds these, in this order.
    const first = taskCreated();
    await write('d1', first);
    const behind = userRegistered();
    await write('d2', behind);
    await eventually(
      'the event behind',
      async () => (await drain(identity, 'user.registered')).length === 1,
    );
    const later = userRegistered();
    await write('d3', later);
    await eventually(
      'a later one',
      async () => (await drain(identity, 'user.registered')).length === 1,
    );
    // Seen by the queue a moment before the relay records it as relayed.
    await eventually('only the task event left', async () => (await backlog(relay)) === 1);

    const tasks = await bindQueue('task.created');
    await eventually('the waiting one relayed', async () => (await backlog(relay)) === 0, 10_000);
    await relay.stop();
    expect(await drain(tasks, 'task.created')).toEqual([first.id]);
    expect(await drain(identity, 'user.registered')).toEqual([]);
    // Retried several times meanwhile, it was reported once: the first return.
    expect(returnedLines(lines)).toEqual([
      expect.objectContaining({
        exchange: exchangeName('tasks', namespace),
        routingKey: 'task.created',
      }),
    ]);
    const relayed = lines.filter((l) => /queue is bound again/.test(l.msg ?? ''));
    expect(relayed).toEqual([expect.objectContaining({ routingKey: 'task.created', relayed: 1 })]);
  });

  it('is relayed by another replica once the relay that kept it is gone', async () => {
    const a = await startRelay('a');
    const event = userRegistered();
    a.relay.kick(await write('d1', event));
    await eventually('the event waits', () => a.returned.length === 1);
    await a.relay.stop(); // as good as dead: it records no more presence
    const queue = await bindQueue('user.registered');

    const b = await startRelay('b');
    await eventually('relayed by b', async () => (await backlog(b.relay)) === 0, 15_000);
    await b.relay.stop();
    expect(await drain(queue, 'user.registered')).toEqual([event.id]);
    expect(b.lines).toContainEqual(expect.objectContaining({ adopted: 1 }));
  });

  it('is published once by two live replicas when its queue appears, however many of them saw it come back', async () => {
    const a = await startRelay('a');
    const b = await startRelay('b');
    const expected: string[] = [];
    for (let i = 0; i < 30; i++) {
      const event = userRegistered();
      expected.push(event.id);
      const kick = await write(`d${i}`, event);
      // A third of the writes reach both relays (each publishes; both see it come back).
      if (i % 3 !== 1) a.relay.kick(kick);
      if (i % 3 !== 0) b.relay.kick(kick);
    }
    // Each event starts to wait once, counted by the relay that kept it.
    await eventually('all wait', () => a.returned.length + b.returned.length === 30);
    await eventually('all marked as waiting', async () => (await backlog(a.relay)) === 30);

    const queue = await bindQueue('user.registered');
    await eventually('all relayed', async () => (await backlog(a.relay)) === 0, 10_000);
    await a.relay.stop();
    await b.relay.stop();
    expect((await drain(queue, 'user.registered')).sort()).toEqual(expected.sort());
    // However many times they were retried, each relay named the route at most once.
    expect(returnedLines(a.lines).length).toBeLessThanOrEqual(1);
    expect(returnedLines(b.lines).length).toBeLessThanOrEqual(1);
    expect(returnedLines([...a.lines, ...b.lines]).length).toBeGreaterThanOrEqual(1);
  });

  it('waits for every queue its consumers declare, so consumers starting apart all get it', async () => {
    const consumers = { 'user.registered': ['mailer', 'notifier'] };
    const { relay, looks, returned } = await startRelay('a', { consumers });
    const event = userRegistered();
    relay.kick(await write('d1', event));
    // Returned, not just unsent: a queue bound before the publish would take it alone.
    await eventually('the event returned', () => returned.length === 1);

    const mailer = await bindQueue('user.registered', 'mailer');
    // The relay has seen the first consumer's queue a few times, and sent the event nowhere.
    await eventually('the first queue seen', () => looks.filter((n) => n === 1).length >= 3);
    expect(await drain(mailer, 'mailer')).toEqual([]);
    expect(await backlog(relay)).toBe(1);
    const notifier = await bindQueue('user.registered', 'notifier');
    await eventually('relayed', async () => (await backlog(relay)) === 0, 10_000);
    await relay.stop();
    expect(await drain(mailer, 'mailer')).toEqual([event.id]);
    expect(await drain(notifier, 'notifier')).toEqual([event.id]);
  });

  it('goes to the queues that are there once the others have not come within the settle time', async () => {
    const consumers = { 'user.registered': ['mailer', 'notifier'] };
    const { relay, returned } = await startRelay('a', { consumers, settleMs: 500 });
    const event = userRegistered();
    relay.kick(await write('d1', event));
    await eventually('the event returned', () => returned.length === 1);
    const mailer = await bindQueue('user.registered', 'mailer');
    await eventually('relayed', async () => (await backlog(relay)) === 0, 10_000);
    await relay.stop();
    expect(await drain(mailer, 'mailer')).toEqual([event.id]);
  });

  it('does not hold a route it never saw whole: a consumer this installation does not run', async () => {
    const consumers = { 'user.registered': ['mailer', 'notifier'] };
    const mailer = await bindQueue('user.registered', 'mailer');
    const { relay } = await startRelay('a', { consumers });
    const event = userRegistered();
    relay.kick(await write('d1', event));
    await eventually('relayed', () => relay.published === 1);
    expect(await backlog(relay)).toBe(0);
    await relay.stop();
    expect(await drain(mailer, 'mailer')).toEqual([event.id]);
  });

  it('holds a route it saw whole on a new connection until all its queues are back, as after a broker rebuilt empty', async () => {
    const consumers = { 'user.registered': ['mailer', 'notifier'] };
    const mailer = await bindQueue('user.registered', 'mailer');
    const notifier = await bindQueue('user.registered', 'notifier');
    const { relay, looks, connection } = await startRelay('a', { consumers });
    relay.kick(await write('d1', userRegistered()));
    await eventually('the first relayed', () => relay.published === 1);
    const looked = looks.length;
    relay.kick(await write('d2', userRegistered()));
    await eventually('the second relayed', () => relay.published === 2);
    // The same connection: no second look.
    expect(looks.length).toBe(looked);
    expect((await drain(mailer, 'mailer')).length).toBe(2);
    // The notifier's queue is gone and the relay's connection is new: it must look again.
    await notifier.deleteQueue(`${namespace}notifier`);
    const before = connection.current;
    await closeConnections(`${namespace}a`);
    await eventually('reconnected', () => connection.current && connection.current !== before);
    const third = userRegistered();
    relay.kick(await write('d3', third));
    await eventually('the third waits', async () => (await backlog(relay)) === 1);
    expect(await drain(mailer, 'mailer')).toEqual([]);
    const back = await bindQueue('user.registered', 'notifier');
    await eventually('relayed', async () => (await backlog(relay)) === 0, 10_000);
    await relay.stop();
    expect(await drain(mailer, 'mailer')).toEqual([third.id]);
    expect(await drain(back, 'notifier')).toEqual([third.id]);
  });
});
