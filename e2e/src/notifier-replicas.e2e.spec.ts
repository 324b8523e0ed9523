// Two notifier processes on one queue and one database, as the Helm chart runs them: live
// streams on either replica, resume with Last-Event-ID, and presence across replicas.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { createTokenSigner } from '@herald/auth';
import type { Publisher } from '@herald/bus';
import type { EventData } from '@herald/contracts';
import {
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  openStream,
  servers,
  startService,
  testKeys,
  uniqueNamespace,
  type OpenStream,
  type RunningService,
} from '@herald/testkit';
import { TestProducer } from './support/producer.js';

const namespace = uniqueNamespace('e2erep');
const mongoUrl = mongoUrlForTest(`${namespace}notifier`);
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
const workspaceId = randomUUID();

type Produced = 'comment.created' | 'workspace.created' | 'workspace.member-joined';
let a: RunningService;
let b: RunningService;
let producer: TestProducer;
let publisher: Publisher<Produced>;
const streams: OpenStream[] = [];

beforeAll(async () => {
  const env = {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    PREFETCH: '1',
    PRESENCE_HEARTBEAT_MS: '200',
    PRESENCE_EXPIRY_MS: '2000',
  };
  [a, b] = await Promise.all([startService('notifier', env), startService('notifier', env)]);
  producer = new TestProducer(namespace);
  publisher = await producer.publisher('api', [
    'comment.created',
    'workspace.created',
    'workspace.member-joined',
  ]);
}, 120_000);

afterAll(async () => {
  for (const stream of streams) await stream.close();
  await a?.stop();
  expect(await b?.stop()).toBe(0);
  await producer?.close();
  const mongo = await MongoClient.connect(servers.mongo);
  await mongo.db(new URL(mongoUrl).pathname.slice(1)).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

const tokenOf = (who: typeof ada) =>
  signer.sign({ userId: who.userId, name: who.name, handle: who.handle });

async function stream(on: RunningService, who: typeof ada, lastEventId?: string) {
  const opened = await openStream(`${on.url}/notifications/stream`, {
    authorization: `Bearer ${await tokenOf(who)}`,
    ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
  });
  streams.push(opened);
  expect(opened.status).toBe(200);
  await opened.until('connected', (t) => t.includes(': connected'));
  return opened;
}

async function mention(who: typeof grace, n: number): Promise<string> {
  const data: EventData<'comment.created'> = {
    workspaceId,
    taskId: randomUUID(),
    key: `ENG-${n}`,
    title: `Task ${n}`,
    commentId: randomUUID(),
    body: `Look at this, @${who.handle} (${n})`,
    author: { userId: ada.userId, name: ada.name, handle: ada.handle },
    mentions: [{ userId: who.userId, email: who.email, name: who.name, handle: who.handle }],
  };
  const event = await publisher.publish('comment.created', data);
  return `${event.id}:${who.userId}`;
}

/** The notification ids a stream received, in order, after checking its SSE ids only grow. */
function received(on: OpenStream): string[] {
  const events = on.events().filter((e) => e.event === 'notification');
  const seqs = events.map((e) => Number(e.id));
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  expect(new Set(seqs).size).toBe(seqs.length);
  return events.map((e) => (JSON.parse(e.data ?? '{}') as { id: string }).id);
}

async function presence(via: RunningService, as: typeof ada) {
  const response = await fetch(`${via.url}/workspaces/${workspaceId}/presence`, {
    headers: { authorization: `Bearer ${await tokenOf(as)}` },
  });
  return {
    status: response.status,
    body: (await response.json()) as { members?: { userId: string; since: string }[] },
  };
}

describe('two notifier replicas', () => {
  it('give a stream on either replica every notification of its user once, in order', async () => {
    const onA = await stream(a, grace);
    const onB = await stream(b, grace);

    const sent: string[] = [];
    for (let n = 1; n <= 6; n++) sent.push(await mention(grace, n));
    // A sentinel after the six: once it shows, any duplicate of the six would have shown too.
    sent.push(await mention(grace, 7));

    for (const [name, on] of [
      ['replica A', onA],
      ['replica B', onB],
    ] as const) {
      await on.until(`${name}: all seven`, () => received(on).length >= 7, 20_000);
      // In the order the two consumers stored them, which need not be the order sent.
      expect([...received(on)].sort(), name).toEqual([...sent].sort());
    }
    expect(received(onA)).toEqual(received(onB));
  });

  it('resume a stream on the other replica with Last-Event-ID: the missed ones, then live', async () => {
    const first = await stream(a, grace);
    const before = await mention(grace, 8);
    await first.until('the first', () => received(first).includes(before));
    const lastEventId = first.lastEventId();
    await first.close();

    const missed = [await mention(grace, 9), await mention(grace, 10), await mention(grace, 11)];
    // The three are stored (the inbox shows them) before the stream comes back.
    await eventually('the missed three stored', async () => {
      const response = await fetch(`${b.url}/notifications?limit=100`, {
        headers: { authorization: `Bearer ${await tokenOf(grace)}` },
      });
      const { items } = (await response.json()) as { items: { id: string }[] };
      return missed.every((id) => items.some((item) => item.id === id));
    });
    const resumed = await stream(b, grace, lastEventId);
    await resumed.until('the missed three', () => received(resumed).length >= 3);
    const live = await mention(grace, 12);

    await resumed.until('the live one', () => received(resumed).includes(live));
    const got = received(resumed);
    expect(got.slice(0, 3).sort()).toEqual([...missed].sort());
    expect(got.slice(3)).toEqual([live]);
  });

  it('show a member streaming on one replica through the other, until that replica dies', async () => {
    await publisher.publish('workspace.created', {
      workspaceId,
      name: 'Engines',
      owner: { userId: ada.userId, name: ada.name },
    });
    for (const member of [grace, linus]) {
      await publisher.publish('workspace.member-joined', {
        workspaceId,
        workspaceName: 'Engines',
        member: { userId: member.userId, email: member.email, name: member.name },
      });
    }
    await eventually('the memberships learned', async () =>
      (await Promise.all([presence(b, grace), presence(b, linus)])).every((r) => r.status === 200),
    );

    // Grace still streams on both replicas (the tests above); Linus only on A.
    await stream(a, linus);
    const online = await eventually('linus present through B', async () => {
      const { body } = await presence(b, ada);
      return body.members?.some((m) => m.userId === linus.userId) && body.members;
    });
    expect(online.map((m) => m.userId).sort()).toEqual([grace.userId, linus.userId].sort());
    expect(online.every((m) => !Number.isNaN(Date.parse(m.since)))).toBe(true);

    await a.stop('SIGKILL');

    // PRESENCE_EXPIRY_MS is 2 s here (30 s by default); the wait allows for a busy machine.
    const after = await eventually(
      'linus gone once A is dead',
      async () => {
        const { body } = await presence(b, ada);
        return body.members?.every((m) => m.userId !== linus.userId) && body.members;
      },
      20_000,
    );
    expect(after.map((m) => m.userId)).toEqual([grace.userId]);
  });
});
