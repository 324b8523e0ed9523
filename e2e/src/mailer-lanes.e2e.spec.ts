// Critical mail has a lane of its own: a backlog of bulk mail never stands in front of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Publisher } from '@herald/bus';
import { TestProducer } from './support/producer.js';
import {
  deleteNamespace,
  mongoUrlForTest,
  servers,
  startService,
  startSmtpServer,
  uniqueNamespace,
  type RunningService,
  type TestSmtpServer,
} from '@herald/testkit';

const namespace = uniqueNamespace('lanes');
const mongoUrl = mongoUrlForTest(`${namespace}mailer`);
const backlog = 1_000;

let smtp: TestSmtpServer;
let mailer: RunningService;
let producer: TestProducer;
let api: Publisher<'user.registered' | 'comment.created'>;
let activity: Publisher<'digest.compiled'>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = await startService('mailer', {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    SMTP_URL: smtp.url,
  });
  producer = new TestProducer(namespace);
  api = await producer.publisher('api', ['user.registered', 'comment.created']);
  activity = await producer.publisher('activity', ['digest.compiled']);
});

afterAll(async () => {
  expect(await mailer.stop()).toBe(0);
  await producer.close();
  await smtp.close();
  const mongo = await MongoClient.connect(servers.mongo);
  await mongo.db(new URL(mongoUrl).pathname.slice(1)).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

const isDigest = (to: readonly string[]) => to.some((address) => address.endsWith('@digest.test'));

describe('mailer lanes', () => {
  it(
    'sends a welcome while a backlog of digests and mentions waits, not after it',
    { timeout: 240_000 },
    async () => {
      const publishes: Promise<unknown>[] = [];
      for (let i = 0; i < backlog; i++) {
        publishes.push(
          activity.publish('digest.compiled', {
            recipient: { userId: `u-${i}`, email: `member${i}@digest.test`, name: `Member ${i}` },
            day: '2026-12-01',
            workspaces: [
              {
                workspaceId: 'w-1',
                name: 'Apollo',
                entries: [
                  { type: 'task.created', summary: 'WS-1 created', at: '2026-12-01T09:00:00Z' },
                ],
                more: 0,
              },
            ],
            moreWorkspaces: 0,
          }),
        );
        if (i % 10 === 0) {
          publishes.push(
            api.publish('comment.created', {
              workspaceId: 'w-1',
              taskId: 't-1',
              key: 'WS-1',
              title: 'Backlog',
              commentId: `c-${i}`,
              body: `@m${i}`,
              author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
              mentions: [
                { userId: `m-${i}`, email: `m${i}@mention.test`, name: 'M', handle: `m${i}` },
              ],
            }),
          );
        }
      }
      await Promise.all(publishes);
      await smtp.waitFor((all) => all.some((m) => isDigest(m.to)), 60_000);

      await api.publish('user.registered', {
        userId: 'u-new',
        email: 'new@critical.test',
        name: 'New',
        handle: 'new',
      });
      const mails = await smtp.waitFor((all) =>
        all.some((m) => m.to.includes('new@critical.test')),
      );
      const welcomeAt = mails.findIndex((m) => m.to.includes('new@critical.test'));
      const digestsBefore = mails.slice(0, welcomeAt).filter((m) => isDigest(m.to)).length;
      // One FIFO queue would have sent all of them first.
      expect(digestsBefore).toBeLessThan(backlog * 0.9);

      const all = await smtp.waitFor(
        (sent) => sent.filter((m) => isDigest(m.to)).length === backlog,
        180_000,
      );
      expect(all.filter((m) => m.to.includes('new@critical.test'))).toHaveLength(1);
    },
  );
});
