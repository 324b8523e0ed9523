// Two mailer replicas, each with its own store connection and SMTP pool, handed the same event at
// once (two API replicas relaying it, or a redelivery while the first run still sends).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Deferred, type Handler, type HandlerContext } from '@herald/bus';
import { createEvent, services, type Event } from '@herald/contracts';
import {
  Heartbeats,
  PreferenceCopies,
  ProcessedEvents,
  connectMongo,
  subscribeOnce,
} from '@herald/store';
import {
  eventually,
  mongoUrlForTest,
  startSmtpServer,
  testLogger,
  uniqueNamespace,
  type TestSmtpServer,
} from '@herald/testkit';
import type { MongoClient } from 'mongodb';
import { createSmtpTransport } from '../adapters/nodemailer-transport.js';
import { SentLogCollection } from '../adapters/sent-log-collection.js';
import type { MailTransport } from '../domain/ports.js';
import { createSendGate } from '../domain/send-gate.js';
import { aComment } from '../templates/fixtures.js';
import { handlers, type MailerEvent } from './index.js';

const url = mongoUrlForTest(uniqueNamespace('mailer-replicas'));
const context: HandlerContext = { attempt: 1, log: testLogger, headers: {} };
let smtp: TestSmtpServer;
const clients: MongoClient[] = [];
const transports: MailTransport[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
});

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await smtp.close();
  await clients[0]?.db().dropDatabase();
  await Promise.all(clients.map((c) => c.close()));
});

/** A mailer replica: the handlers exactly as main.ts subscribes them, delivered without a broker. */
async function replica() {
  const { client, db } = await connectMongo(url, 'mailer-test');
  clients.push(client);
  const transport = createSmtpTransport({
    url: smtp.url,
    connectionTimeoutMs: 2_000,
    greetingTimeoutMs: 2_000,
    socketTimeoutMs: 10_000,
    maxConnections: 2,
    logger: testLogger,
  });
  transports.push(transport);
  const subscribed = new Map<string, Handler<MailerEvent>>();
  subscribeOnce(
    { on: (type, handler) => subscribed.set(type, handler as Handler<MailerEvent>) },
    {
      handlers,
      types: services.mailer.consumes,
      ports: {
        transport,
        gate: createSendGate(),
        sentLog: new SentLogCollection(db),
        from: 'Herald <no-reply@herald.local>',
        heartbeats: new Heartbeats(db),
        now: () => new Date(),
        preferences: new PreferenceCopies(db),
        unsubscribe: {
          publicUrl: 'https://herald.example',
          secret: 'the-mailer-tests-unsubscribe-secret-012345',
        },
        accountLinks: {
          publicUrl: 'https://herald.example',
          secret: 'the-mailer-tests-link-token-secret-0123456',
        },
        log: () => {},
      },
      processed: new ProcessedEvents(db),
      consumer: 'mailer',
    },
  );
  return async (event: Event<MailerEvent>) => {
    const handler = subscribed.get(event.type);
    if (!handler) throw new Error(`no handler for ${event.type}`);
    await handler(event, context);
  };
}

const mentioned = (name: string) => ({
  userId: `u-${name}`,
  email: `${name}@example.test`,
  name,
  handle: name,
});

it('sends one e-mail per recipient when two replicas deliver the same event at once', async () => {
  const [a, b] = await Promise.all([replica(), replica()]);
  const event = createEvent(
    'comment.created',
    aComment([mentioned('bob'), mentioned('cy')]),
    'api',
  );
  const mailsOf = () => smtp.messages.filter((m) => m.headers['x-herald-event-id'] === event.id);

  // The server holds each DATA, so the winner is still sending while the other replica decides.
  smtp.hang();
  const outcomes: unknown[] = [];
  const runs = [a, b].map((deliver) =>
    deliver(event).then(
      () => void outcomes.push('sent'),
      (error: unknown) => void outcomes.push(error),
    ),
  );
  await eventually(
    'one delivery settled while the other sends',
    () => (outcomes.length > 0 && smtp.held > 0) || smtp.held > 1,
  );
  expect(smtp.held).toBe(1);
  expect(outcomes).toHaveLength(1);
  expect(outcomes[0]).toBeInstanceOf(Deferred);

  smtp.accept();
  await Promise.all(runs);
  expect(outcomes[1]).toBe('sent');
  await smtp.waitFor(() => mailsOf().length >= 2);

  // The deferred delivery comes back: nothing more is sent, by either replica.
  await b(event);
  await a(event);
  expect(mailsOf().map((m) => m.to)).toEqual([['bob@example.test'], ['cy@example.test']]);
});
