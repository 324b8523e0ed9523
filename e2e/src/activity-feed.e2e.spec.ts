import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { createTokenSigner } from '@herald/auth';
import type { Publisher } from '@herald/bus';
import { listDeadLetters } from '@herald/bus';
import { exchangeName, serviceQueue, type Recipient } from '@herald/contracts';
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

const namespace = uniqueNamespace('e2eact');
const activityMongoUrl = mongoUrlForTest(`${namespace}activity`);
const signer = await createTokenSigner(testKeys.privateKeyPem);

const ada: Recipient = { userId: randomUUID(), email: 'ada@example.test', name: 'Ada' };
const bob: Recipient = { userId: randomUUID(), email: 'bob@example.test', name: 'Bob' };
const cyd: Recipient = { userId: randomUUID(), email: 'cyd@example.test', name: 'Cyd' };
const outsider = { userId: randomUUID(), name: 'Mallory' };

// Event times a second apart, so the feed's newest-first order is the publishing order.
let clock = Date.now();
const time = () => ({ time: new Date((clock += 1_000)) });

let activity: RunningService;
let producer: TestProducer;
let publisher: Publisher<
  'workspace.created' | 'workspace.member-joined' | 'task.created' | 'comment.created'
>;
let mongo: MongoClient;

beforeAll(async () => {
  // The service first, so its queue is bound before anything is published. One message at a
  // time: once a later event shows in the feed, every earlier one has been handled.
  activity = await startService('activity', {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: activityMongoUrl,
    PREFETCH: '1',
  });
  producer = new TestProducer(namespace);
  publisher = await producer.publisher('api', [
    'workspace.created',
    'workspace.member-joined',
    'task.created',
    'comment.created',
  ]);
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  expect(await activity.stop()).toBe(0);
  await producer.close();
  await mongo.db(new URL(activityMongoUrl).pathname.slice(1)).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

interface Page {
  items: { eventId: string; type: string; summary: string; actor: { userId: string } }[];
  nextCursor: string | null;
}

async function getFeed(workspaceId: string, as: { userId: string; name: string }) {
  const token = await signer.sign({ userId: as.userId, name: as.name, handle: 'h' });
  const response = await fetch(`${activity.url}/workspaces/${workspaceId}/activity?limit=50`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, page: (await response.json()) as Page };
}

/** The feed as `as` sees it once it shows `eventId`. */
function feedShowing(workspaceId: string, as: Recipient, eventId: string): Promise<Page> {
  return eventually(`feed entry ${eventId}`, async () => {
    const { status, page } = await getFeed(workspaceId, as);
    return status === 200 && page.items.some((i) => i.eventId === eventId) && page;
  });
}

async function workspaceWithMembers(): Promise<string> {
  const workspaceId = randomUUID();
  await publisher.publish(
    'workspace.created',
    {
      workspaceId,
      name: 'Acme',
      owner: { userId: ada.userId, name: ada.name },
    },
    time(),
  );
  for (const member of [bob, cyd]) {
    await publisher.publish(
      'workspace.member-joined',
      {
        workspaceId,
        workspaceName: 'Acme',
        member,
      },
      time(),
    );
  }
  return workspaceId;
}

function commentData(workspaceId: string) {
  return {
    workspaceId,
    taskId: 't-3',
    key: 'WS-3',
    title: 'Fix login',
    commentId: randomUUID(),
    body: '@bob @cyd can you look?',
    author: { userId: ada.userId, name: ada.name, handle: 'ada' },
    mentions: [
      { ...bob, handle: 'bob' },
      { ...cyd, handle: 'cyd' },
    ],
  };
}

describe('activity as a process, over the real broker and store', () => {
  it('shows a comment with two mentions as one entry to members, and 403 to an outsider', async () => {
    const workspaceId = await workspaceWithMembers();
    const comment = await publisher.publish('comment.created', commentData(workspaceId), time());

    const page = await feedShowing(workspaceId, bob, comment.id);

    expect(page.items.map((i) => i.type)).toEqual([
      'comment.created',
      'workspace.member-joined',
      'workspace.member-joined',
      'workspace.created',
    ]);
    expect(page.items[0]).toMatchObject({
      eventId: comment.id,
      summary: 'Ada commented on WS-3 “Fix login”',
      actor: { userId: ada.userId, name: 'Ada' },
    });
    expect((await getFeed(workspaceId, cyd)).status).toBe(200);
    const refused = await getFeed(workspaceId, outsider);
    expect(refused.status).toBe(403);
  });

  it('changes nothing when the same event is published twice', async () => {
    const workspaceId = await workspaceWithMembers();
    const comment = await publisher.publish('comment.created', commentData(workspaceId), time());
    const before = await feedShowing(workspaceId, ada, comment.id);

    await publisher.publishEvent(comment);
    // Handled strictly in order (prefetch 1): once this shows, the duplicate was handled too.
    const marker = await publisher.publish(
      'task.created',
      {
        workspaceId,
        taskId: 't-4',
        key: 'WS-4',
        title: 'Marker',
        createdBy: { userId: bob.userId, name: bob.name },
      },
      time(),
    );
    const after = await feedShowing(workspaceId, ada, marker.id);

    expect(after.items.slice(1)).toEqual(before.items);
    const feed = mongo.db(new URL(activityMongoUrl).pathname.slice(1)).collection('feed');
    expect(await feed.countDocuments({ eventId: comment.id })).toBe(1);
  });

  it('dead-letters a malformed message with the reason and keeps serving', async () => {
    const workspaceId = await workspaceWithMembers();
    const raw = await producer.connection.current!.createConfirmChannel();
    const poisonId = randomUUID();
    raw.publish(
      exchangeName('tasks', namespace),
      'comment.created',
      Buffer.from('{"id": "not even an envelope"'),
      { messageId: poisonId, type: 'comment.created', persistent: true },
    );
    await raw.waitForConfirms();
    await raw.close();

    const topology = serviceQueue('activity', { namespace });
    const dead = await eventually('poison in the activity DLQ', async () => {
      const letters = await listDeadLetters(producer.connection.current!, topology);
      return letters.find((l) => l.messageId === poisonId);
    });
    expect(dead).toMatchObject({
      kind: 'invalid',
      consumer: 'activity',
      originalExchange: exchangeName('tasks', namespace),
      originalRoutingKey: 'comment.created',
      body: '{"id": "not even an envelope"',
    });
    expect(dead.error).toMatch(/invalid JSON/);

    expect((await fetch(`${activity.url}/readyz`)).status).toBe(200);
    const comment = await publisher.publish('comment.created', commentData(workspaceId), time());
    await feedShowing(workspaceId, cyd, comment.id);
  });
});
