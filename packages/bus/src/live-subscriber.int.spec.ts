import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchangeName, liveQueue, type Event, type NotificationCreated } from '@herald/contracts';
import {
  closeConnections,
  deleteNamespace,
  eventually,
  recordingLogger,
  servers,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { BrokerConnection } from './connection.js';
import { LiveSubscriber } from './live-subscriber.js';
import { Publisher } from './publisher.js';

let namespace: string;
let connections: BrokerConnection[];

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

function aNotificationCreated(seq: number): NotificationCreated {
  return {
    userId: 'u-ada',
    seq,
    notification: {
      id: `e-${seq}:u-ada`,
      kind: 'mentioned',
      title: `Notification ${seq}`,
      body: 'hi',
      createdAt: new Date(0).toISOString(),
      readAt: null,
    },
  };
}

/** A started subscriber on a connection of its own, with what it received and how often it subscribed. */
async function startSubscriber(replica: string, logger = testLogger) {
  const received: Event<'notification.created'>[] = [];
  let subscriptions = 0;
  const subscriber = new LiveSubscriber({
    connection: open(replica),
    topology: liveQueue('notifier', replica, { namespace }),
    logger,
    onEvent: (event) => received.push(event),
    onSubscribed: () => subscriptions++,
    resubscribeDelayMs: 50,
  });
  await subscriber.start();
  await eventually(`${replica} subscribed`, () => subscriber.subscribed);
  return { subscriber, received, subscriptions: () => subscriptions };
}

async function startPublisher() {
  const publisher = new Publisher({
    connection: open('publisher'),
    source: 'notifier',
    produces: ['notification.created'],
    namespace,
    logger: testLogger,
  });
  await publisher.start();
  return publisher;
}

const seqs = (events: readonly Event<'notification.created'>[]) => events.map((e) => e.data.seq);

beforeEach(() => {
  namespace = uniqueNamespace('live');
  connections = [];
});

afterEach(async () => {
  for (const c of connections) await c.close();
  await deleteNamespace(namespace);
});

describe('LiveSubscriber', () => {
  it('gives every replica every event, each on a queue of its own', async () => {
    const a = await startSubscriber('a');
    const b = await startSubscriber('b');
    const publisher = await startPublisher();

    for (const seq of [1, 2, 3])
      await publisher.publish('notification.created', aNotificationCreated(seq));

    await eventually(
      'both have all three',
      () => a.received.length === 3 && b.received.length === 3,
    );
    expect(seqs(a.received)).toEqual([1, 2, 3]);
    expect(seqs(b.received)).toEqual([1, 2, 3]);
  });

  it('drops what is not a valid event of its topology, logs why, and keeps receiving', async () => {
    const { logger, lines } = recordingLogger();
    const a = await startSubscriber('a', logger);
    const publisher = await startPublisher();
    const raw = await open('raw')
      .waitUntilConnected(10_000)
      .then(() => connections.at(-1)!.current!);
    const channel = await raw.createConfirmChannel();
    const exchange = exchangeName('notifications', namespace);
    const wrongShape = { ...aNotificationCreated(1), seq: -1 };
    const envelope = (type: string, data: unknown) =>
      JSON.stringify({
        id: crypto.randomUUID(),
        type,
        version: 1,
        source: 'notifier',
        time: new Date().toISOString(),
        data,
      });
    for (const body of [
      '{"not": json',
      envelope('notification.created', wrongShape),
      envelope('user.registered', {
        userId: 'u',
        email: 'u@example.test',
        name: 'U',
        handle: 'uu',
      }),
    ]) {
      channel.publish(exchange, 'notification.created', Buffer.from(body));
    }
    await channel.waitForConfirms();
    await publisher.publish('notification.created', aNotificationCreated(2));

    await eventually('the valid one', () => a.received.length === 1);
    expect(seqs(a.received)).toEqual([2]);
    const dropped = lines.filter((l) => l.msg === 'live message dropped').map((l) => l.err);
    expect(dropped).toEqual([
      expect.stringMatching(/^invalid JSON/),
      expect.stringMatching(/seq/),
      'unexpected type user.registered',
    ]);
    expect(a.subscriber.subscribed).toBe(true);
  });

  it('subscribes again after the broker drops its connection, and says so', async () => {
    const a = await startSubscriber('a');
    const publisher = await startPublisher();
    expect(a.subscriptions()).toBe(1);

    await closeConnections(`${namespace}a`);
    await eventually('subscribed again', () => a.subscriptions() === 2 && a.subscriber.subscribed);
    await publisher.publish('notification.created', aNotificationCreated(1));

    await eventually('the event after the reconnect', () => a.received.length === 1);
  });
});
