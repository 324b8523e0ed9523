import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Publisher } from '@herald/bus';
import { listDeadLetters, type DeadLetter } from '@herald/bus';
import { exchangeName, laneQueue } from '@herald/contracts';
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

const namespace = uniqueNamespace('mailerfail');
const mongoUrl = mongoUrlForTest(`${namespace}mailer`);
// Every event these tests publish (user.registered) goes to the critical lane.
const topology = laneQueue('mailer', 'critical', { namespace });

let smtp: TestSmtpServer;
let mailer: RunningService;
let producer: TestProducer;
let api: Publisher<'user.registered' | 'comment.created'>;
let n = 0;

function registration() {
  n++;
  return {
    userId: `u-${n}`,
    email: `user${n}@example.test`,
    name: `User ${n}`,
    handle: `user${n}`,
  };
}

async function deadLetter(messageId: string): Promise<DeadLetter> {
  return eventually(`${messageId} in the DLQ`, async () =>
    (await listDeadLetters(producer.connection.current!, topology)).find(
      (d) => d.messageId === messageId,
    ),
  );
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = await startService('mailer', {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    SMTP_URL: smtp.url,
    RETRY_DELAYS_MS: '200,400',
    RETRY_MAX_ATTEMPTS: '30',
    SMTP_SOCKET_TIMEOUT_MS: '1000',
  });
  producer = new TestProducer(namespace);
  api = await producer.publisher('api', ['user.registered', 'comment.created']);
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

beforeEach(() => smtp.reset());

describe('mailer: when SMTP fails', () => {
  it('retries through 4xx refusals and delivers once the server recovers', async () => {
    smtp.refuse(451);
    const user = registration();
    const event = await api.publish('user.registered', user);

    await eventually('three refused attempts', () => smtp.refusals.length >= 3);
    expect(smtp.messages).toHaveLength(0);
    smtp.accept();

    await smtp.waitFor(1);
    expect(smtp.messages.map((m) => m.to)).toEqual([[user.email]]);
    expect(smtp.refusals.every((r) => r.code === 451 && r.to[0] === user.email)).toBe(true);
    expect(
      (await listDeadLetters(producer.connection.current!, topology)).map((d) => d.messageId),
    ).not.toContain(event.id);
  });

  it('after a partial send, the retry mails only the mentioned member still missing', async () => {
    const bob = { userId: 'u-bob', email: 'bob@example.test', name: 'Bob', handle: 'bob' };
    const cy = { userId: 'u-cy', email: 'cy@example.test', name: 'Cy', handle: 'cy' };
    smtp.refuse(451, { to: cy.email });
    const event = await api.publish('comment.created', {
      workspaceId: 'w-1',
      taskId: 't-1',
      key: 'WS-1',
      title: 'Partial',
      commentId: 'c-1',
      body: '@bob @cy',
      author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
      mentions: [bob, cy],
    });

    // Every retry re-runs the handler: bob, already in the sent-log, must not be mailed again.
    await eventually('cy refused on three attempts', () => smtp.refusals.length >= 3);
    smtp.accept();
    await smtp.waitFor((all) => all.some((m) => m.to.includes(cy.email)));

    const mails = smtp.messages.filter((m) => m.headers['x-herald-event-id'] === event.id);
    expect(mails.map((m) => m.to[0])).toEqual([bob.email, cy.email]);
    expect(smtp.refusals.every((r) => r.to[0] === cy.email)).toBe(true);
  });

  it('dead-letters a 5xx refusal at once, as permanent, without retrying', async () => {
    smtp.refuse(550);
    const user = registration();
    const event = await api.publish('user.registered', user);

    const dead = await deadLetter(event.id);
    expect(dead).toMatchObject({
      type: 'user.registered',
      kind: 'permanent',
      attempts: 1,
      consumer: 'mailer',
      originalRoutingKey: 'user.registered',
    });
    expect(dead.error).toMatch(/SMTP 550/);
    expect(dead.error).toContain(user.email);
    expect(smtp.refusals).toHaveLength(1);
    expect(smtp.messages).toHaveLength(0);
  });

  it('times out on a server that hangs after DATA, retries, and delivers exactly once', async () => {
    smtp.hang();
    const user = registration();
    const event = await api.publish('user.registered', user);

    // Held twice: the first attempt timed out (1 s socket timeout) and the retry came back.
    await eventually('a retried attempt held', () => smtp.held >= 2, 30_000);
    smtp.accept();

    await smtp.waitFor(1);
    await new Promise((r) => setTimeout(r, 500)); // room for a stray duplicate to show up
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.headers['x-herald-event-id']).toBe(event.id);
  });

  it('dead-letters a malformed message as invalid and keeps mailing', async () => {
    const channel = await producer.connection.current!.createConfirmChannel();
    const poisonId = crypto.randomUUID();
    channel.publish(
      exchangeName('identity', namespace),
      'user.registered',
      Buffer.from(
        JSON.stringify({
          id: poisonId,
          type: 'user.registered',
          version: 1,
          source: 'api',
          time: new Date().toISOString(),
          data: { userId: 'u-x', email: 'not an e-mail', name: 'X', handle: 'x' },
        }),
      ),
      { messageId: poisonId, persistent: true },
    );
    await channel.waitForConfirms();
    await channel.close();

    const dead = await deadLetter(poisonId);
    expect(dead.kind).toBe('invalid');
    expect(dead.error).toMatch(/email/);

    const user = registration();
    await api.publish('user.registered', user);
    await smtp.waitFor(1);
    expect(smtp.messages.map((m) => m.to)).toEqual([[user.email]]);
    expect((await fetch(`${mailer.url}/readyz`)).status).toBe(200);
  });
});
