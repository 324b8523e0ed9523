import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import {
  createTokenSigner,
  createTokenVerifier,
  generateKeyPair,
  type AccessClaims,
} from '@herald/auth';
import type { Handler, HandlerContext } from '@herald/bus';
import { services, type Event } from '@herald/contracts';
import { ProcessedEvents, connectMongo, Heartbeats } from '@herald/store';
import { mongoUrlForTest, testKeys, testLogger, uniqueNamespace } from '@herald/testkit';
import { DigestSchedulesCollection } from './adapters/digest-schedules-collection.js';
import { FeedCollection } from './adapters/feed-collection.js';
import { MembersCollection } from './adapters/members-collection.js';
import { buildApp } from './app.js';
import type { ActivityEventType } from './domain/feed-entry.js';
import type { ActivityHandlerPorts } from './domain/ports.js';
import type { DigestCompiled } from '@herald/contracts';
import { ada, at, bob, cyd, events } from './fixtures.js';
import { onCommentCreated } from './handlers/comment-created.js';
import { subscribe } from './handlers/index.js';

let client: MongoClient;
let db: Db;
let ports: ActivityHandlerPorts;
/** What the digest handler published, as the broker would have received it. */
const published: { id: string; data: DigestCompiled }[] = [];
let app: ReturnType<typeof buildApp>;
let handlers: Map<string, Handler<ActivityEventType>>;
let storeUp: boolean;

const signer = await createTokenSigner(testKeys.privateKeyPem);
const verifier = await createTokenVerifier(testKeys.publicKeyPem);
const claims = (who: { userId: string; name: string }): AccessClaims => ({
  userId: who.userId,
  name: who.name,
  handle: who.name.toLowerCase(),
});
const context: HandlerContext = { attempt: 1, log: testLogger, headers: {} };

beforeEach(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('activity')), 'test'));
  const feed = new FeedCollection(db);
  const members = new MembersCollection(db);
  await feed.ensureIndexes();
  await members.ensureIndexes();
  ports = {
    feed,
    members,
    schedules: new DigestSchedulesCollection(db),
    publishDigest: async (data, id) => {
      published.push({ id, data });
    },
    heartbeats: new Heartbeats(db),
    now: () => new Date(),
  };
  // The handlers exactly as main.ts subscribes them, delivered here without a broker.
  handlers = new Map();
  subscribe(
    { on: (type, handler) => handlers.set(type, handler as Handler<ActivityEventType>) },
    new ProcessedEvents(db),
    ports,
  );
  storeUp = true;
  app = buildApp({
    logger: testLogger,
    ports,
    verifier,
    readiness: { broker: () => true, store: () => storeUp },
  });
});

afterEach(async () => {
  await app.close();
  await db.dropDatabase();
  await client.close();
});

async function deliver(...delivered: Event<ActivityEventType>[]): Promise<void> {
  for (const event of delivered) {
    const handler = handlers.get(event.type);
    if (!handler) throw new Error(`no handler for ${event.type}`);
    await handler(event, context);
  }
}

async function getFeed(
  workspaceId: string,
  as: { userId: string; name: string } | string | undefined,
  query = '',
) {
  const token = typeof as === 'object' ? await signer.sign(claims(as)) : as;
  const response = await app.inject({
    method: 'GET',
    url: `/workspaces/${workspaceId}/activity${query}`,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

interface Page {
  items: { eventId: string; summary: string; at: string; [k: string]: unknown }[];
  nextCursor: string | null;
}

describe('consuming', () => {
  it('has a handler for every event the activity queue is bound to', () => {
    expect([...handlers.keys()].sort()).toEqual([...services.activity.consumes].sort());
  });

  it('turns each event into one feed entry, a comment with two mentions included', async () => {
    await deliver(
      events.workspaceCreated('w1', ada),
      events.memberJoined('w1', bob, at(1)),
      events.memberJoined('w1', cyd, at(2)),
      events.commentCreated('w1', ada, [bob, cyd], at(3)),
    );
    const comment = events.commentCreated('w1', ada, [bob, cyd], at(4));
    await deliver(comment);

    const { status, body } = await getFeed('w1', bob);
    expect(status).toBe(200);
    const page = body as unknown as Page;
    expect(page.items).toHaveLength(5);
    expect(page.items[0]).toEqual({
      eventId: comment.id,
      workspaceId: 'w1',
      type: 'comment.created',
      actor: { userId: 'u-ada', name: 'Ada' },
      summary: 'Ada commented on WS-3 “Fix login”',
      subject: { taskId: 't-3', key: 'WS-3', title: 'Fix login' },
      at: comment.time,
    });
    expect(await db.collection('feed').countDocuments({ type: 'comment.created' })).toBe(2);
  });

  it('inserts nothing new for a redelivered event, even if its processed record was lost', async () => {
    await deliver(events.workspaceCreated('w1', ada));
    const comment = events.commentCreated('w1', ada, [bob, cyd]);

    await deliver(comment, comment);
    expect(await db.collection('processed_events').countDocuments({ eventId: comment.id })).toBe(1);
    // A crash after the insert and before the processed record: the handler itself runs again.
    await onCommentCreated(comment, ports);

    expect(await db.collection('feed').countDocuments({ eventId: comment.id })).toBe(1);
    expect(((await getFeed('w1', ada)).body as unknown as Page).items).toHaveLength(2);
  });

  it('stores entries that arrive before the workspace is known and shows them once it is', async () => {
    const early = events.taskCreated('w1', ada, at(5));
    await deliver(early);
    expect((await getFeed('w1', ada)).status).toBe(403);

    await deliver(events.workspaceCreated('w1', ada, at(0)));
    const page = (await getFeed('w1', ada)).body as unknown as Page;

    expect(page.items.map((i) => i.summary)).toEqual([
      'Ada created WS-3 “Fix login”',
      'Ada created the workspace “Space w1”',
    ]);
  });
});

describe('members only', () => {
  it('learns membership from workspace.created and workspace.member-joined', async () => {
    await deliver(events.workspaceCreated('w1', ada), events.memberInvited('w1', ada, bob.email));
    expect((await getFeed('w1', ada)).status).toBe(200);
    // Invited is not joined.
    expect(await getFeed('w1', bob)).toMatchObject({
      status: 403,
      body: { error: 'HERALD_FORBIDDEN' },
    });

    await deliver(events.memberJoined('w1', bob));
    const { status, body } = await getFeed('w1', bob);

    expect(status).toBe(200);
    expect((body as unknown as Page).items.map((i) => i.summary)).toEqual([
      'Bob joined “Space w1”',
      'Ada invited bob@example.test to “Space w1”',
      'Ada created the workspace “Space w1”',
    ]);
    expect(await db.collection('members').find().sort({ _id: 1 }).toArray()).toEqual([
      expect.objectContaining({ _id: 'w1:u-ada', userId: 'u-ada', name: 'Ada' }),
      expect.objectContaining({ _id: 'w1:u-bob', name: 'Bob', email: 'bob@example.test' }),
    ]);
  });

  it('answers 403 to a member of another workspace, and for a workspace nobody knows', async () => {
    await deliver(events.workspaceCreated('w1', ada), events.workspaceCreated('w2', cyd));

    expect((await getFeed('w1', cyd)).status).toBe(403);
    expect((await getFeed('w-unknown', cyd)).status).toBe(403);
  });

  it('answers 401 without a token or with a bad, foreign or tampered one, before validating', async () => {
    await deliver(events.workspaceCreated('w1', ada));
    const foreign = await (
      await createTokenSigner(generateKeyPair().privateKeyPem)
    ).sign(claims(ada));
    const good = await signer.sign(claims(ada));
    const [header, , signature] = good.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'u-ada' })).toString('base64url')}.${signature}`;

    for (const token of [undefined, 'garbage', foreign, tampered]) {
      const { status, body } = await getFeed('w1', token, '?limit=0&cursor=%%%');
      expect({ token, status, error: body.error }).toEqual({
        token,
        status: 401,
        error: 'HERALD_UNAUTHORIZED',
      });
    }
    expect((await getFeed('w1', good)).status).toBe(200);
  });

  it('remembers e-mails from assignments and mentions, but never makes anyone a member by them', async () => {
    await deliver(
      events.workspaceCreated('w1', ada),
      events.taskAssigned('w1', bob, ada),
      events.commentCreated('w1', ada, [cyd]),
    );

    expect(await db.collection('members').findOne({ _id: 'w1:u-ada' as never })).toMatchObject({
      email: 'ada@example.test',
    });
    expect(await db.collection('members').countDocuments()).toBe(1);
    expect((await getFeed('w1', cyd)).status).toBe(403);
  });
});

describe('pagination', () => {
  it('pages newest first with an opaque cursor until nextCursor is null', async () => {
    await deliver(events.workspaceCreated('w1', ada, at(0)));
    // 24 tasks, three per minute, so entries share timestamps and the id breaks the tie.
    for (let n = 0; n < 24; n++) {
      await deliver(events.taskCreated('w1', ada, at(1 + Math.floor(n / 3)), `Task ${n}`));
    }
    const all = await db.collection('feed').find().toArray();
    const expected = all
      .sort((a, b) => b.at - a.at || (a._id < b._id ? 1 : -1))
      .map((doc) => doc._id as unknown as string);

    const seen: string[] = [];
    const sizes: number[] = [];
    let query = '?limit=10';
    for (;;) {
      const { status, body } = await getFeed('w1', ada, query);
      expect(status).toBe(200);
      const page = body as unknown as Page;
      seen.push(...page.items.map((i) => i.eventId));
      sizes.push(page.items.length);
      if (page.nextCursor === null) break;
      query = `?limit=10&cursor=${page.nextCursor}`;
    }

    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(25);
  });

  it('defaults to 20 items and says there are no more on an exact last page', async () => {
    await deliver(events.workspaceCreated('w1', ada, at(0)));
    for (let n = 0; n < 20; n++) await deliver(events.taskCreated('w1', bob, at(n + 1)));
    const first = (await getFeed('w1', ada)).body as unknown as Page;
    expect(first.items).toHaveLength(20);
    expect(first.nextCursor).not.toBeNull();

    const second = (await getFeed('w1', ada, `?cursor=${first.nextCursor}`))
      .body as unknown as Page;
    expect(second).toEqual({
      items: [expect.objectContaining({ type: 'workspace.created' })],
      nextCursor: null,
    });
  });

  it.each([
    ['limit 0', '?limit=0', /limit/],
    ['limit over 100', '?limit=101', /limit/],
    ['limit not a number', '?limit=ten', /limit/],
    ['malformed cursor', '?cursor=not-a-cursor', /malformed cursor/],
    [
      'cursor of garbage base64url',
      `?cursor=${Buffer.from('{"at":1}').toString('base64url')}`,
      /malformed cursor/,
    ],
    ['unknown parameter', '?offset=10', /offset/],
  ])('answers 400 with the reason for %s', async (_what, query, reason) => {
    await deliver(events.workspaceCreated('w1', ada));
    const { status, body } = await getFeed('w1', ada, query);

    expect(status).toBe(400);
    expect(body.error).toBe('HERALD_VALIDATION');
    expect(body.message).toMatch(reason);
  });

  it('answers 400 for a workspace id longer than any id', async () => {
    const { status, body } = await getFeed('w'.repeat(65), ada);
    expect(status).toBe(400);
    expect(body.message).toMatch(/id/);
  });
});

describe('health', () => {
  it('is live always and ready only while the broker consumer and the store are', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    storeUp = false;
    const down = await app.inject({ url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ checks: { broker: true, store: false } });
  });
});
