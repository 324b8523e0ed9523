// The least-privilege users of deploy/rabbitmq/definitions.json, checked against the real broker.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  declareLiveQueue,
  declareQueueTopology,
  ensureExchanges,
  listDeadLetters,
  purgeDeadLetters,
  replayDeadLetters,
} from '@herald/bus';
import {
  RetryRoute,
  brokerVhostLimits,
  laneQueue,
  liveQueue,
  serviceQueue,
} from '@herald/contracts';
import { servers } from '@herald/testkit';

const definitions = readFileSync(
  join(import.meta.dirname, '../../deploy/rabbitmq/definitions.json'),
  'utf8',
);
const users = ['api', 'scheduler', 'mailer', 'notifier', 'activity', 'console'] as const;
const management = new URL(servers.management);
const auth = `Basic ${Buffer.from(`${decodeURIComponent(management.username)}:${decodeURIComponent(management.password)}`).toString('base64')}`;
management.username = '';
management.password = '';
const broker = new URL(servers.rabbitmq);

async function admin(method: string, path: string, body?: string): Promise<void> {
  const response = await fetch(new URL(`/api${path}`, management), {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body,
  });
  if (!response.ok && response.status !== 404)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

/** Connects to the `herald` vhost as one service's user, with its dev password. */
async function as(user: (typeof users)[number]): Promise<ChannelModel> {
  const url = new URL(broker);
  url.username = user;
  url.password = `${user}-dev-password`;
  url.pathname = '/herald';
  const connection = await connect(url.toString());
  connection.on('error', () => undefined);
  return connection;
}

/** Runs one broker operation on a fresh channel; resolves to the AMQP reply code if it was refused. */
async function attempt(
  connection: ChannelModel,
  operation: (channel: ConfirmChannel) => Promise<unknown>,
): Promise<number | 'ok'> {
  const channel = await connection.createConfirmChannel();
  // The broker refuses by closing the channel; the reply code arrives on the error event.
  let refusal: number | undefined;
  channel.on('error', (error: { code?: number }) => (refusal = error.code));
  try {
    await operation(channel);
    await channel.close();
    return 'ok';
  } catch (error) {
    return refusal ?? (error as { code?: number }).code ?? -1;
  }
}

const publishTo =
  (exchange: string, routingKey = 'x', options: Parameters<ConfirmChannel['publish']>[3] = {}) =>
  (channel: ConfirmChannel) =>
    new Promise<void>((resolve, reject) =>
      channel.publish(exchange, routingKey, Buffer.from('{}'), options, (err) =>
        err ? reject(err as Error) : resolve(),
      ),
    );

/** The management API as the console's user; resolves to the HTTP status. */
async function consoleManagement(method: string, path: string): Promise<number> {
  const response = await fetch(new URL(`/api${path}`, management), {
    method,
    headers: {
      authorization: `Basic ${Buffer.from('console:console-dev-password').toString('base64')}`,
    },
  });
  await response.body?.cancel();
  return response.status;
}

let mailer: ChannelModel;
let notifier: ChannelModel;

beforeAll(async () => {
  await admin('POST', '/definitions', definitions);
  mailer = await as('mailer');
  notifier = await as('notifier');
});

afterAll(async () => {
  await mailer?.close().catch(() => undefined);
  await notifier?.close().catch(() => undefined);
  await admin('DELETE', '/vhosts/herald');
  for (const user of users) await admin('DELETE', `/users/${user}`);
});

describe('per-service RabbitMQ users', () => {
  it('let each consumer declare and use its own queue topology', async () => {
    // As the consumer does: the exchanges it binds from are there, so it only checks them.
    const mailerTopology = serviceQueue('mailer');
    await ensureExchanges(
      mailer,
      mailerTopology.bindings.map((b) => b.exchange),
    );
    expect(await attempt(mailer, (c) => declareQueueTopology(c, mailerTopology))).toBe('ok');
    for (const lane of ['critical', 'digest'] as const) {
      const topology = laneQueue('mailer', lane);
      expect(await attempt(mailer, (c) => declareQueueTopology(c, topology)), lane).toBe('ok');
      expect(await attempt(notifier, (c) => c.get(topology.queue)), lane).toBe(403);
    }
    expect(await attempt(notifier, (c) => declareQueueTopology(c, serviceQueue('notifier')))).toBe(
      'ok',
    );
    expect(await attempt(mailer, (c) => c.get('mailer.dlq'))).toBe('ok');
    expect(await attempt(mailer, publishTo('mailer.retry'))).toBe('ok');
  });

  it('let the notifier declare and read a live queue of its own and publish to it', async () => {
    const live = liveQueue('notifier', 'replica-1');
    const queue = `${live.queue}.1`;
    const channel = await notifier.createConfirmChannel();
    channel.on('error', () => undefined);
    try {
      await declareLiveQueue(channel, live, queue);
      await publishTo('notifications', 'notification.created')(channel);
      expect(await channel.get(queue, { noAck: true })).not.toBe(false);
      expect(await attempt(mailer, (c) => c.get(queue))).toBe(403);
    } finally {
      await channel.close();
    }
  });

  it('refuse the mailer publishing to any domain exchange (403 ACCESS_REFUSED)', async () => {
    for (const exchange of [
      'identity',
      'workspaces',
      'tasks',
      'schedule',
      'digests',
      'system',
      'notifications',
    ]) {
      expect(await attempt(mailer, publishTo(exchange)), exchange).toBe(403);
    }
  });

  it('refuse a consumer deleting or redeclaring an exchange it only binds from', async () => {
    for (const exchange of ['identity', 'workspaces', 'tasks', 'digests', 'system']) {
      expect(await attempt(mailer, (c) => c.deleteExchange(exchange)), exchange).toBe(403);
      expect(
        await attempt(mailer, (c) => c.assertExchange(exchange, 'topic', { durable: true })),
        exchange,
      ).toBe(403);
    }
    expect(await attempt(notifier, (c) => c.deleteExchange('tasks'))).toBe(403);
    // Passive checks need no permission, so the consumer still finds them.
    expect(await attempt(mailer, (c) => c.checkExchange('identity'))).toBe('ok');
  });

  it('refuse a consumer declaring queues beyond its own topology', async () => {
    expect(await attempt(mailer, (c) => c.assertQueue('mailer.extra'))).toBe(403);
    expect(await attempt(mailer, (c) => c.assertQueue('mailers'))).toBe(403);
    expect(await attempt(notifier, (c) => c.assertQueue('notifier.anything'))).toBe(403);
  });

  it('cap the vhost and each user from the definitions', async () => {
    const read = async (path: string) => {
      const response = await fetch(new URL(`/api${path}`, management), {
        headers: { authorization: auth },
      });
      return (await response.json()) as { value: Record<string, number> }[];
    };
    expect((await read('/vhost-limits/herald'))[0]?.value).toEqual(brokerVhostLimits);
    expect((await read('/user-limits/mailer'))[0]?.value['max-connections']).toBeGreaterThan(0);
  });

  it("refuse the mailer reading, purging or deleting another service's queue", async () => {
    expect(await attempt(mailer, (c) => c.get('notifier'))).toBe(403);
    expect(await attempt(mailer, (c) => c.get('notifier.dlq'))).toBe(403);
    expect(await attempt(mailer, (c) => c.purgeQueue('notifier'))).toBe(403);
    expect(await attempt(mailer, (c) => c.deleteQueue('notifier'))).toBe(403);
    expect(await attempt(mailer, publishTo('notifier.retry'))).toBe(403);
  });

  it('let only the API write the domain exchanges it owns', async () => {
    const api = await as('api');
    try {
      expect(await attempt(api, publishTo('tasks'))).toBe('ok');
      expect(await attempt(api, publishTo('schedule'))).toBe(403);
      expect(await attempt(api, publishTo('digests'))).toBe(403);
      expect(await attempt(api, publishTo('notifications'))).toBe(403);
    } finally {
      await api.close();
    }
  });
});

describe("the console's RabbitMQ user", () => {
  it('lists, replays and purges dead letters with the bus DLQ code, and nothing else', async () => {
    const topology = serviceQueue('mailer');
    expect(await attempt(mailer, (c) => declareQueueTopology(c, topology))).toBe('ok');
    for (const id of ['dead-1', 'dead-2']) {
      expect(
        await attempt(mailer, publishTo('mailer.retry', RetryRoute.dead, { messageId: id })),
      ).toBe('ok');
    }
    const console = await as('console');
    try {
      const listed = await listDeadLetters(console, topology);
      expect(listed.map((d) => d.messageId)).toEqual(['dead-1', 'dead-2']);
      expect(await replayDeadLetters(console, topology, { messageId: 'dead-1' })).toBe(1);
      expect(await purgeDeadLetters(console, topology, { messageId: 'dead-2' })).toBe(1);
      expect(await listDeadLetters(console, topology)).toEqual([]);

      // No reading or emptying a working queue, no events, no topology changes.
      expect(await attempt(console, (c) => c.get('mailer'))).toBe(403);
      expect(await attempt(console, (c) => c.purgeQueue('mailer'))).toBe(403);
      expect(await attempt(console, (c) => c.deleteQueue('mailer.dlq'))).toBe(403);
      expect(await attempt(console, (c) => c.assertQueue('console.own'))).toBe(403);
      for (const exchange of ['identity', 'tasks', 'schedule', 'system', 'digests']) {
        expect(await attempt(console, publishTo(exchange)), exchange).toBe(403);
      }
    } finally {
      await console.close();
    }
    // The replayed message is back in the mailer's own queue.
    expect(
      await attempt(mailer, async (c) => {
        const message = await c.get('mailer');
        if (message === false || message.properties.messageId !== 'dead-1') throw new Error('no');
        c.ack(message);
      }),
    ).toBe('ok');
  });

  it('reads the queues of its vhost through the management API, and changes nothing there', async () => {
    expect(await consoleManagement('GET', '/queues/herald')).toBe(200);
    expect(await consoleManagement('GET', '/queues/%2F')).toBe(401); // another vhost
    expect(await consoleManagement('GET', '/users')).toBe(401);
    expect(await consoleManagement('DELETE', '/queues/herald/mailer')).toBe(401);
    expect(await consoleManagement('DELETE', '/queues/herald/mailer/contents')).toBe(401);
  });
});
