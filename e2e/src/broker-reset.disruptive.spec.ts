// RabbitMQ rebuilt empty (stop_app; reset; start_app) while the API's outbox holds a backlog: the
// backlog goes out to a broker with no queue at all, and still every event arrives once, after the
// consumers have declared their queues again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import {
  HeraldClient,
  deleteNamespace,
  eventually,
  queueDepth,
  resetBroker,
  servers,
  startBroker,
  startSmtpServer,
  startSystem,
  stopBroker,
  uniqueNamespace,
  workspaceWithMembers,
  type RunningSystem,
  type ServiceName,
  type TestSmtpServer,
} from '@herald/testkit';
import { metricSum } from './support/metrics.js';
import { expectedEffects, foundEffects, storedEvents, type Effects } from './support/effects.js';

const namespace = uniqueNamespace('reset');
const consumerServices: ServiceName[] = ['mailer', 'notifier', 'activity'];
let smtp: TestSmtpServer;
let mongo: MongoClient;
let api: RunningSystem;
let consumers: RunningSystem;
let env: Record<string, string>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  mongo = await MongoClient.connect(servers.mongo);
  env = {
    SMTP_URL: smtp.url,
    RETRY_DELAYS_MS: '200,400',
    RATE_LIMIT_MAX: '10000',
    PUBLIC_URL: 'http://herald.test',
  };
  consumers = await startSystem({ namespace, services: consumerServices, env });
  api = await startSystem({ namespace, services: ['api'], env });
});

afterAll(async () => {
  await startBroker(); // whatever happened above, leave a broker behind
  await consumers.stop();
  await api.stop();
  await smtp.close();
  for (const service of [...consumerServices, 'api' as const]) {
    await dbOf(api.mongoUrl(service)).dropDatabase();
  }
  await mongo.close();
  await deleteNamespace(namespace);
});

const dbOf = (url: string): Db => mongo.db(new URL(url).pathname.slice(1));

/** What the stored events call for, and what the consumers did so far. */
async function effects(): Promise<{ expected: Effects; found: Effects }> {
  const expected = expectedEffects(await storedEvents(dbOf(api.mongoUrl('api'))));
  const found = await foundEffects(
    { notifier: dbOf(api.mongoUrl('notifier')), activity: dbOf(api.mongoUrl('activity')) },
    smtp.messages,
  );
  return { expected, found };
}

const settled = async () => {
  const { expected, found } = await effects();
  return JSON.stringify(found) === JSON.stringify(expected);
};

it('relays a backlog written before the broker was reset, once each, when the consumers are back', async () => {
  const client = new HeraldClient(api.services.api!.url);
  const { owner: ada, workspaceId } = await workspaceWithMembers(client, smtp, {
    owner: 'ada',
    members: ['bob'],
  });
  const { id: taskId } = await ada.api.expect<{ id: string }>(
    201,
    'POST',
    `/workspaces/${workspaceId}/tasks`,
    { title: 'Reset' },
  );
  // Everything so far has reached the consumers: a reset loses what waits in queues, and this
  // test is about what waits in the outbox.
  await eventually('every effect before the reset', settled, 60_000);

  // The consumers are gone while the broker is rebuilt, so for a while nothing declares a queue.
  await consumers.stop();
  await stopBroker();
  const backlog = 10;
  for (let i = 0; i < backlog; i++) {
    await ada.api.expect(201, 'POST', `/tasks/${taskId}/comments`, { body: `@bob backlog ${i}` });
  }
  await resetBroker();
  // The API relays its backlog into the empty broker: each comment comes back, and waits.
  await eventually(
    'the backlog returned',
    async () =>
      (await metricSum(api.services.api!.url, 'herald_outbox_returned_total')) === backlog,
    60_000,
  );

  consumers = await startSystem({ namespace, services: consumerServices, env });
  await eventually('every effect after the reset', settled, 90_000);
  await eventually(
    'outbox empty',
    async () => (await metricSum(api.services.api!.url, 'herald_outbox_backlog')) === 0,
  );
  for (const queue of consumerServices) {
    await eventually(
      `${queue} drained`,
      async () => (await queueDepth(`${namespace}${queue}`)) === 0,
    );
  }
  const { expected, found } = await effects();
  expect(found).toEqual(expected);
  expect(found.notifications.filter((n) => n.endsWith('/mentioned'))).toHaveLength(backlog);
  expect({ ...(await consumers.stop()), ...(await api.stop()) }).toEqual({
    api: 0,
    mailer: 0,
    notifier: 0,
    activity: 0,
  });
});
