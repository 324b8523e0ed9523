// Two notifier replicas in one process, each with its own broker connection, consumer, live
// queue and HTTP server, on one queue and one database: as the Helm chart's two pods.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { BrokerConnection, Publisher } from '@herald/bus';
import type { EventData } from '@herald/contracts';
import { runShutdownSteps } from '@herald/runtime';
import {
  deleteNamespace,
  eventually,
  openStream,
  recordOutcomes,
  servers,
  startTcpProxy,
  testLogger,
  uniqueNamespace,
  type OpenStream,
} from '@herald/testkit';
import { aCommentCreated, people } from '../test/events.js';
import { bearer, testConfig, tokenFor } from '../test/harness.js';
import { createNotifier } from './notifier.js';

type Produced = 'comment.created' | 'workspace.created' | 'workspace.member-joined';

let namespace: string;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(env: Record<string, string> = {}) {
  namespace = uniqueNamespace('replicas');
  cleanups.push(async () => {
    const client = await MongoClient.connect(servers.mongo);
    await client.db(new URL(testConfig(namespace).MONGO_URL).pathname.slice(1)).dropDatabase();
    await client.close();
    await deleteNamespace(namespace);
  });
  const connection = new BrokerConnection({
    url: servers.rabbitmq,
    name: `${namespace}api`,
    logger: testLogger,
  });
  connection.start();
  const publisher = new Publisher<Produced>({
    connection,
    source: 'api',
    produces: ['comment.created', 'workspace.created', 'workspace.member-joined'],
    namespace,
    logger: testLogger,
  });
  await publisher.start();
  cleanups.push(() => connection.close());
  /** One replica, started and listening. */
  const replica = async (name: string, own: Record<string, string> = {}) => {
    const config = testConfig(namespace, { PREFETCH: '1', ...env, ...own });
    const notifier = await createNotifier(config, {
      logger: testLogger,
      replicaId: `${namespace}${name}`,
    });
    cleanups.push(() => runShutdownSteps(notifier.shutdown, testLogger));
    const outcomes = recordOutcomes(notifier.consumer);
    await notifier.start();
    await notifier.app.listen({ port: 0, host: '127.0.0.1' });
    await eventually(`${name} consuming`, () => notifier.consumer.consuming);
    return {
      notifier,
      outcomes,
      url: `http://127.0.0.1:${String((notifier.app.server.address() as AddressInfo).port)}`,
    };
  };
  return { publisher, replica };
}

async function stream(url: string, userId: string, lastEventId?: string) {
  const opened = await openStream(`${url}/notifications/stream`, {
    ...bearer(await tokenFor(userId)),
    ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
  });
  cleanups.push(() => opened.close());
  expect(opened.status).toBe(200);
  await opened.until('connected', (t) => t.includes(': connected'));
  return opened;
}

/** The notification ids a stream received, after checking its SSE ids grow by one each time. */
function received(on: OpenStream): string[] {
  const events = on.events().filter((e) => e.event === 'notification');
  const seqs = events.map((e) => Number(e.id));
  const first = seqs[0] ?? 0;
  expect(seqs).toEqual(seqs.map((_, i) => first + i));
  return events.map((e) => (JSON.parse(e.data ?? '{}') as { id: string }).id);
}

const mention = (data = aCommentCreated([people.grace]).data): EventData<'comment.created'> => ({
  ...data,
  commentId: crypto.randomUUID(),
});

describe('two notifier replicas', () => {
  it("give each replica's stream every notification once, whichever consumer stored it", async () => {
    const { publisher, replica } = await setUp();
    const [a, b] = [await replica('a'), await replica('b')];
    const [onA, onB] = [await stream(a.url, 'u-grace'), await stream(b.url, 'u-grace')];

    const sent: string[] = [];
    for (let n = 0; n < 6; n++) {
      sent.push(`${(await publisher.publish('comment.created', mention())).id}:u-grace`);
    }

    for (const on of [onA, onB]) {
      await on.until('six', () => received(on).length === 6);
      expect([...received(on)].sort()).toEqual([...sent].sort());
    }
    const handledBy = (r: typeof a) => r.outcomes.seen.filter((o) => o.status === 'acked').length;
    await eventually('six acked', () => handledBy(a) + handledBy(b) === 6);
    expect(handledBy(a)).toBeGreaterThan(0);
    expect(handledBy(b)).toBeGreaterThan(0);
  });

  it('replay at most STREAM_REPLAY_LIMIT missed ones, the newest, after a missed event', async () => {
    const { publisher, replica } = await setUp({ STREAM_REPLAY_LIMIT: '3' });
    const a = await replica('a');
    const first = await stream(a.url, 'u-grace');
    await publisher.publish('comment.created', mention());
    await first.until('the first', () => received(first).length === 1);
    await first.close();
    for (let n = 0; n < 5; n++) await publisher.publish('comment.created', mention());
    await eventually(
      'all six stored',
      async () => (await a.notifier.notifications.latestSeq('u-grace')) === 6,
    );

    const resumed = await stream(a.url, 'u-grace', first.lastEventId());

    await resumed.until('the newest three', () => received(resumed).length === 3);
    const [missed] = resumed.events();
    expect(missed).toEqual({ id: '3', event: 'missed', data: '{"after":1,"until":3,"count":2}' });
    expect(
      resumed
        .events()
        .slice(1)
        .map((e) => e.id),
    ).toEqual(['4', '5', '6']);
  });

  it('catch a stream up by itself once its replica has its live queue again', async () => {
    const { publisher, replica } = await setUp();
    const b = await replica('b');
    // A reaches the broker through a proxy the test can cut: a partition of A alone.
    const proxy = await startTcpProxy(servers.rabbitmq);
    cleanups.push(() => proxy.close());
    const a = await replica('a', { RABBITMQ_URL: proxy.url });
    const onA = await stream(a.url, 'u-grace');

    await proxy.cut();
    await eventually('A off the broker', () => !a.notifier.connection.connected);
    const sent: string[] = [];
    for (let n = 0; n < 3; n++) {
      sent.push(`${(await publisher.publish('comment.created', mention())).id}:u-grace`);
    }
    await eventually('B stored all three', () => b.outcomes.seen.length === 3);
    expect(received(onA)).toEqual([]);
    await proxy.restore();

    // No new notification: what brings them is A's live queue coming back.
    await onA.until('the three, once A is back', () => received(onA).length === 3, 30_000);
    expect([...received(onA)].sort()).toEqual([...sent].sort());
  });

  it('show who streams on one replica through the other', async () => {
    const { publisher, replica } = await setUp();
    const [a, b] = [await replica('a'), await replica('b')];
    const workspaceId = 'w-presence';
    await publisher.publish('workspace.created', {
      workspaceId,
      name: 'Engines',
      owner: { userId: people.ada.userId, name: people.ada.name },
    });
    for (const who of [people.grace, people.linus]) {
      await publisher.publish('workspace.member-joined', {
        workspaceId,
        workspaceName: 'Engines',
        member: { userId: who.userId, email: who.email, name: who.name },
      });
    }
    await eventually(
      'memberships learned',
      () => a.outcomes.seen.length + b.outcomes.seen.length === 3,
    );
    const presence = async () => {
      const response = await b.notifier.app.inject({
        url: `/workspaces/${workspaceId}/presence`,
        headers: bearer(await tokenFor(people.ada.userId)),
      });
      return response.json<{ members: { userId: string; name: string; since: string }[] }>();
    };
    expect(await presence()).toEqual({ members: [] });

    const graceOnA = await stream(a.url, people.grace.userId);
    const seen = await eventually('grace present through B', async () => {
      const { members } = await presence();
      return members.length === 1 && members;
    });
    expect(seen.map(({ userId, name }) => ({ userId, name }))).toEqual([
      { userId: people.grace.userId, name: people.grace.name },
    ]);
    expect(Date.parse(seen[0]?.since ?? '')).not.toBeNaN();

    await graceOnA.close();
    await eventually('grace gone through B', async () => (await presence()).members.length === 0);
  });
});
