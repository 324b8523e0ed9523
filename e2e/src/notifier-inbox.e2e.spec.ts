import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { createTokenSigner } from '@herald/auth';
import type { Publisher } from '@herald/bus';
import { listDeadLetters } from '@herald/bus';
import { Exchange, exchangeName, serviceQueue, type EventData } from '@herald/contracts';
import { TestProducer } from './support/producer.js';
import {
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  servers,
  startService,
  testKeys,
  uniqueNamespace,
  type RunningService,
} from '@herald/testkit';

const namespace = uniqueNamespace('e2enot');
const notifierMongoUrl = mongoUrlForTest(`${namespace}notifier`);
const signer = await createTokenSigner(testKeys.privateKeyPem);

const person = (name: string) => ({
  userId: randomUUID(),
  email: `${name.toLowerCase()}@example.test`,
  name,
  handle: name.toLowerCase(),
});
const ada = person('Ada');
const grace = person('Grace');
const linus = person('Linus');

let notifier: RunningService;
let producer: TestProducer;
let publisher: Publisher<'comment.created' | 'task.assigned'>;
let mongo: MongoClient;

beforeAll(async () => {
  // The service first, so its queue is bound before anything is published. One message at a
  // time: once a later event shows in an inbox, every earlier one has been handled.
  notifier = await startService('notifier', {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: notifierMongoUrl,
    PREFETCH: '1',
    RETRY_DELAYS_MS: '200',
    RETRY_MAX_ATTEMPTS: '2',
  });
  producer = new TestProducer(namespace);
  publisher = await producer.publisher('api', ['comment.created', 'task.assigned']);
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  expect(await notifier.stop()).toBe(0);
  await producer.close();
  await mongo.db(new URL(notifierMongoUrl).pathname.slice(1)).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

interface Item {
  id: string;
  kind: string;
  title: string;
  readAt: string | null;
}

async function call(
  as: { userId: string; name: string; handle: string },
  path: string,
  method = 'GET',
) {
  const token = await signer.sign({ userId: as.userId, name: as.name, handle: as.handle });
  return fetch(`${notifier.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
}

async function inbox(as: typeof ada): Promise<Item[]> {
  const response = await call(as, '/notifications?limit=100');
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Item[] }).items;
}

async function unread(as: typeof ada): Promise<number> {
  return ((await (await call(as, '/notifications/unread-count')).json()) as { count: number })
    .count;
}

function comment(mentions: (typeof ada)[], body: string): EventData<'comment.created'> {
  return {
    workspaceId: 'w-1',
    taskId: 't-1',
    key: 'ENG-7',
    title: 'Ship the notifier',
    commentId: randomUUID(),
    body,
    author: { userId: ada.userId, name: ada.name, handle: ada.handle },
    mentions: mentions.map(({ userId, email, name, handle }) => ({ userId, email, name, handle })),
  };
}

describe('notifier as a process', () => {
  it('turns a comment mentioning two users into one notification in each inbox', async () => {
    const event = await publisher.publish(
      'comment.created',
      comment([grace, linus], 'Could you two review this?'),
    );

    const graces = await eventually('grace notified', async () => {
      const items = await inbox(grace);
      return items.length > 0 && items;
    });
    const linuses = await eventually('linus notified', async () => {
      const items = await inbox(linus);
      return items.length > 0 && items;
    });

    expect(graces).toEqual([
      expect.objectContaining({
        id: `${event.id}:${grace.userId}`,
        kind: 'mentioned',
        title: 'Ada mentioned you on ENG-7: Ship the notifier',
        readAt: null,
      }),
    ]);
    expect(linuses).toEqual([
      expect.objectContaining({ id: `${event.id}:${linus.userId}`, kind: 'mentioned' }),
    ]);
    expect(await inbox(ada)).toEqual([]);
  });

  it('changes nothing when the same event is published again', async () => {
    const event = await publisher.publish('comment.created', comment([grace, linus], 'Again?'));
    const mentionId = `${event.id}:${grace.userId}`;
    await eventually('the mention', async () =>
      (await inbox(grace)).some((n) => n.id === mentionId),
    );
    const read = await call(grace, `/notifications/${encodeURIComponent(mentionId)}/read`, 'POST');
    expect(read.status).toBe(200);
    const before = { grace: await inbox(grace), linus: await inbox(linus) };

    await publisher.publishEvent(event);
    // With one message in flight at a time, the sentinel shows only after the duplicate was handled.
    const sentinel = await publisher.publish('task.assigned', {
      workspaceId: 'w-1',
      taskId: 't-2',
      key: 'ENG-8',
      title: 'Sentinel',
      assignee: { userId: grace.userId, email: grace.email, name: grace.name },
      assignedBy: { userId: ada.userId, name: ada.name },
    });
    const after = await eventually('the sentinel', async () => {
      const items = await inbox(grace);
      return items.some((n) => n.id.startsWith(sentinel.id)) && items;
    });

    expect(after.slice(1)).toEqual(before.grace);
    expect(after.find((n) => n.id === mentionId)?.readAt).toEqual(
      before.grace.find((n) => n.id === mentionId)?.readAt,
    );
    expect(await inbox(linus)).toEqual(before.linus);
    expect(await unread(grace)).toBe(2);
  });

  it('dead-letters malformed messages on the tasks exchange and keeps serving', async () => {
    const current = producer.connection.current;
    if (!current) throw new Error('test connection is down');
    const channel = await current.createConfirmChannel();
    const exchange = exchangeName(Exchange.tasks, namespace);
    const brokenJson = randomUUID();
    const wrongShape = randomUUID();
    const options = (messageId: string) => ({
      messageId,
      type: 'comment.created',
      contentType: 'application/json',
      persistent: true,
    });
    channel.publish(exchange, 'comment.created', Buffer.from('{"id": "oops'), options(brokenJson));
    channel.publish(
      exchange,
      'comment.created',
      Buffer.from(
        JSON.stringify({
          id: wrongShape,
          type: 'comment.created',
          version: 1,
          source: 'api',
          time: new Date().toISOString(),
          data: { ...comment([grace], 'no mentions list'), mentions: 'everyone' },
        }),
      ),
      options(wrongShape),
    );
    await channel.waitForConfirms();
    await channel.close();

    const topology = serviceQueue('notifier', { namespace });
    const dead = await eventually('both in the DLQ', async () => {
      const letters = await listDeadLetters(current, topology);
      const ours: string[] = [brokenJson, wrongShape];
      const mine = letters.filter((l) => ours.includes(l.messageId ?? ''));
      return mine.length === 2 && mine;
    });
    const notJson = dead.find((l) => l.messageId === brokenJson);
    const notContract = dead.find((l) => l.messageId === wrongShape);
    expect(notJson).toMatchObject({
      kind: 'invalid',
      consumer: 'notifier',
      originalExchange: exchange,
      originalRoutingKey: 'comment.created',
      body: '{"id": "oops',
    });
    expect(notJson?.error).toMatch(/invalid JSON/);
    expect(notContract).toMatchObject({ kind: 'invalid', consumer: 'notifier' });
    expect(notContract?.error).toMatch(/comment\.created: .*mentions/s);

    expect((await fetch(`${notifier.url}/readyz`)).status).toBe(200);
    const later = await publisher.publish('comment.created', comment([linus], 'Still there?'));
    await eventually('linus notified after the bad messages', async () =>
      (await inbox(linus)).some((n) => n.id === `${later.id}:${linus.userId}`),
    );
  });

  it('declares its retry path from RETRY_DELAYS_MS instead of the production delays', async () => {
    const current = producer.connection.current;
    if (!current) throw new Error('test connection is down');
    const { waitQueues } = serviceQueue('notifier', { namespace });
    const check = async (queue: string) => {
      const channel = await current.createChannel();
      channel.on('error', () => undefined);
      try {
        await channel.checkQueue(queue);
        return true;
      } catch {
        return false;
      } finally {
        await channel.close().catch(() => undefined);
      }
    };

    expect(await check(`${namespace}notifier.wait.200ms`)).toBe(true);
    expect(waitQueues[0]?.name).toBe(`${namespace}notifier.wait.1000ms`);
    expect(await check(`${namespace}notifier.wait.1000ms`)).toBe(false);
  });
});
