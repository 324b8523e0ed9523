import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import {
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  servers,
  startService,
  uniqueNamespace,
  type RunningService,
} from '@herald/testkit';

const namespace = uniqueNamespace('e2e');
const env = {
  RABBITMQ_URL: servers.rabbitmq,
  HERALD_NAMESPACE: namespace,
};
let api: RunningService;
let notifier: RunningService;
let mongo: MongoClient;

beforeAll(async () => {
  // Consumers first, so their queues exist before the first event is published.
  notifier = await startService('notifier', {
    ...env,
    MONGO_URL: mongoUrlForTest(`${namespace}notifier`),
  });
  api = await startService('api', { ...env, MONGO_URL: mongoUrlForTest(`${namespace}api`) });
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  expect(await notifier.stop()).toBe(0);
  expect(await api.stop()).toBe(0);
  for (const suffix of ['api', 'notifier'])
    await mongo.db(mongoUrlForTest(`${namespace}${suffix}`).split('/').pop()).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

function notificationsDb() {
  return mongo.db(new URL(mongoUrlForTest(`${namespace}notifier`)).pathname.slice(1));
}

describe('register -> user.registered -> notifier', () => {
  it("puts a welcome notification in the new user's inbox", async () => {
    const response = await fetch(`${api.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'Ada@Example.test',
        password: 'correct horse',
        name: 'Ada Lovelace',
        handle: 'ada',
      }),
    });
    expect(response.status).toBe(202);
    const login = await fetch(`${api.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.test', password: 'correct horse' }),
    });
    const { user } = (await login.json()) as { user: { id: string; email: string } };
    expect(user.email).toBe('ada@example.test');

    const notification = await eventually('welcome notification', () =>
      notificationsDb().collection('notifications').findOne({ userId: user.id }),
    );
    expect(notification).toMatchObject({
      kind: 'welcome',
      title: 'Welcome to Herald, Ada Lovelace',
      readAt: null,
    });
  });

  it('answers malformed input with 4xx and a reason, never 5xx', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${api.url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const cases: [string, string, number, RegExp][] = [
      ['broken JSON', '{"email":', 400, /JSON/i],
      ['missing fields', '{}', 400, /email/],
      [
        'bad handle',
        JSON.stringify({
          email: 'b@example.test',
          password: 'long enough',
          name: 'B',
          handle: 'NO SPACES',
        }),
        400,
        /handle/,
      ],
      [
        'unknown field',
        JSON.stringify({
          email: 'c@example.test',
          password: 'long enough',
          name: 'C',
          handle: 'cc',
          admin: true,
        }),
        400,
        /admin/,
      ],
      [
        'oversize',
        JSON.stringify({
          email: 'd@example.test',
          password: 'x'.repeat(100_000),
          name: 'D',
          handle: 'dd',
        }),
        413,
        /large/i,
      ],
    ];
    for (const [what, body, status, reason] of cases) {
      const response = await post(body);
      const answer = (await response.json()) as { error: string; message: string };
      expect({ what, status: response.status }).toEqual({ what, status });
      expect(answer.message, what).toMatch(reason);
    }
    expect((await post('email=a', 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  it('answers a second registration of an e-mail as the first (202), and refuses a taken handle (409)', async () => {
    const body = {
      email: 'grace@example.test',
      password: 'long enough',
      name: 'Grace',
      handle: 'grace',
    };
    const post = (b: object) =>
      fetch(`${api.url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
    const first = await post(body);
    const again = await post({ ...body, handle: 'grace2' });
    expect(first.status).toBe(202);
    expect({ status: again.status, body: await again.json() }).toEqual({
      status: 202,
      body: await first.json(),
    });
    expect((await post({ ...body, email: 'other@example.test' })).status).toBe(409);
  });
});
