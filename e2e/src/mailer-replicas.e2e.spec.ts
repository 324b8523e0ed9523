// Two mailer processes on one queue and one database, as the chart runs them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Publisher } from '@herald/bus';
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

const namespace = uniqueNamespace('mailer2');
const mongoUrl = mongoUrlForTest(`${namespace}mailer`);
const database = new URL(mongoUrl).pathname.slice(1);

let smtp: TestSmtpServer;
let replicas: RunningService[];
let producer: TestProducer;
let api: Publisher<'comment.created'>;
let mongo: MongoClient;
let n = 0;

beforeAll(async () => {
  smtp = await startSmtpServer();
  const env = {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    SMTP_URL: smtp.url,
    // A delivery deferred behind another's claim comes back soon and as often as it takes.
    RETRY_DELAYS_MS: '500,1000,2000',
    RETRY_MAX_ATTEMPTS: '30',
  };
  replicas = await Promise.all([startService('mailer', env), startService('mailer', env)]);
  producer = new TestProducer(namespace);
  api = await producer.publisher('api', ['comment.created']);
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  for (const replica of replicas) expect(await replica.stop()).toBe(0);
  await producer.close();
  await smtp.close();
  await mongo.db(database).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

beforeEach(() => smtp.reset());

/** A comment mentioning two members of its own. */
function comment() {
  n++;
  const member = (name: string) => ({
    userId: `u-${name}${n}`,
    email: `${name}${n}@example.test`,
    name,
    handle: `${name}${n}`,
  });
  return {
    workspaceId: 'w-1',
    taskId: 't-1',
    key: 'WS-1',
    title: 'Twice',
    commentId: `c-${n}`,
    body: 'Hey @bob and @cy',
    author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
    mentions: [member('bob'), member('cy')],
  };
}

/** Sum over the live replicas of one comment.created series in their /metrics. */
async function series(name: string, among = replicas): Promise<number> {
  const texts = await Promise.all(among.map(async (r) => (await fetch(`${r.url}/metrics`)).text()));
  const line = new RegExp(`^${name}\\{.*type="comment\\.created"`);
  return texts
    .flatMap((text) => text.split('\n').filter((l) => line.test(l)))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

const recipientsOf = (eventId: string) =>
  smtp.messages.filter((m) => m.headers['x-herald-event-id'] === eventId).map((m) => m.to[0]);

describe('mailer at two replicas', () => {
  it('mails each recipient once when the same event arrives twice at once', async () => {
    const handledBefore = await series('herald_handler_duration_seconds_count');
    const ackedBefore = await series('herald_messages_consumed_total');
    // The server holds each DATA: the copy that won its claim is still sending while the other
    // decides what to do.
    smtp.hang();
    const event = await api.publish('comment.created', comment());
    await api.publishEvent(event); // a second API replica relays the same outbox event
    await eventually(
      'one copy sending while the other was handled',
      async () =>
        (smtp.held > 0 &&
          (await series('herald_handler_duration_seconds_count')) > handledBefore) ||
        smtp.held > 1,
    );
    expect(smtp.held).toBe(1);

    smtp.accept();
    await eventually(
      'both copies acked',
      async () => (await series('herald_messages_consumed_total')) >= ackedBefore + 2,
      30_000,
    );
    expect(recipientsOf(event.id).sort()).toEqual([`bob${n}@example.test`, `cy${n}@example.test`]);
  });

  it('hands the event of a replica SIGKILLed mid-send to its twin, which mails each recipient once', async () => {
    smtp.hang();
    const event = await api.publish('comment.created', comment());
    await eventually('a replica sending', () => smtp.held > 0);
    const claim = await mongo
      .db(database)
      .collection<{ _id: string; owner: string }>('processed_event_claims')
      .findOne({ _id: `mailer:${event.id}` });
    const holder = replicas.find((r) => claim?.owner.endsWith(`:${r.process.pid}`));
    if (!holder) throw new Error(`no replica owns the claim ${JSON.stringify(claim)}`);
    const twin = replicas.filter((r) => r !== holder);
    const ackedBefore = await series('herald_messages_consumed_total', twin);

    await holder.stop('SIGKILL');
    replicas = twin;
    smtp.accept(); // the dead replica's held message is dropped with its connection

    // The twin gets the redelivery at once, waits out the dead run's lease, then takes over.
    await eventually(
      'the twin acked the event',
      async () => (await series('herald_messages_consumed_total', twin)) > ackedBefore,
      90_000,
    );
    expect(recipientsOf(event.id).sort()).toEqual([`bob${n}@example.test`, `cy${n}@example.test`]);
  });
});
