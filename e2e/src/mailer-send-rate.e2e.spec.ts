// SMTP_RATE_PER_SECOND is one budget for the installation, whatever the replica count, and a
// throttling reply slows the mailer down without spending the message's attempts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { listDeadLetters, type Publisher } from '@herald/bus';
import { laneQueue } from '@herald/contracts';
import { TestProducer } from './support/producer.js';
import {
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  servers,
  startService,
  startSmtpServer,
  uniqueNamespace,
  type RunningService,
  type TestSmtpServer,
} from '@herald/testkit';

const namespace = uniqueNamespace('sendrate');
const mongoUrl = mongoUrlForTest(`${namespace}mailer`);
const rate = 4;

let smtp: TestSmtpServer;
let replicas: RunningService[] = [];
let producer: TestProducer;
let api: Publisher<'user.registered' | 'comment.created'>;
let mongo: MongoClient;

beforeAll(async () => {
  smtp = await startSmtpServer();
  const env = {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    SMTP_URL: smtp.url,
    SMTP_RATE_PER_SECOND: String(rate),
    // One attempt only: a failure that spent an attempt would be dead-lettered at once.
    RETRY_MAX_ATTEMPTS: '1',
    RETRY_DELAYS_MS: '200',
  };
  replicas = await Promise.all([startService('mailer', env), startService('mailer', env)]);
  producer = new TestProducer(namespace);
  api = await producer.publisher('api', ['user.registered', 'comment.created']);
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  for (const replica of replicas) expect(await replica.stop()).toBe(0);
  await producer.close();
  await smtp.close();
  await mongo.db(new URL(mongoUrl).pathname.slice(1)).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

beforeEach(() => smtp.reset());

describe('mailer send rate', () => {
  it('sends at most SMTP_RATE_PER_SECOND across two replicas', async () => {
    const count = 20;
    const from = Date.now();
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        api.publish('comment.created', {
          workspaceId: 'w-1',
          taskId: 't-1',
          key: 'WS-1',
          title: 'Rate',
          commentId: `c-${i}`,
          body: `@m${i}`,
          author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
          mentions: [{ userId: `m-${i}`, email: `m${i}@rate.test`, name: 'M', handle: `m${i}` }],
        }),
      ),
    );
    await smtp.waitFor(count, 60_000);

    const slots = await mongo
      .db(new URL(mongoUrl).pathname.slice(1))
      .collection<{ _id: string; second: number }>('send_slots')
      .find({})
      .toArray();
    const perSecond = new Map<number, number>();
    for (const slot of slots) perSecond.set(slot.second, (perSecond.get(slot.second) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(rate);
    expect(slots.length).toBeGreaterThanOrEqual(count);
    // 20 sends at 4 a second take five seconds' budgets: the first and last of them are at least
    // four seconds apart, so (the first one maybe begun late) at least three seconds passed.
    expect(perSecond.size).toBeGreaterThanOrEqual(count / rate);
    expect(Date.now() - from).toBeGreaterThanOrEqual((count / rate - 2) * 1_000);
  });

  it('backs off on a 454 without spending an attempt, then delivers', async () => {
    smtp.refuse(454);
    const user = { userId: 'u-new', email: 'new@rate.test', name: 'New', handle: 'new' };
    const event = await api.publish('user.registered', user);

    await eventually('two throttled tries', () => smtp.refusals.length >= 2, 30_000);
    smtp.accept();
    await smtp.waitFor(1, 60_000);
    expect(smtp.messages.map((m) => m.to)).toEqual([[user.email]]);
    const dead = await listDeadLetters(
      producer.connection.current!,
      laneQueue('mailer', 'critical', { namespace }),
    );
    expect(dead.map((d) => d.messageId)).not.toContain(event.id);
  });
});
