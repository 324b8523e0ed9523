// On a fresh namespace the API runs alone for a while, so no consumer has declared a queue: every
// event it publishes comes back from the broker. Once the consumers start, each one arrives once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { linkToken } from '@herald/auth';
import type { AnyEvent } from '@herald/contracts';
import {
  HeraldClient,
  acceptPathFrom,
  deleteNamespace,
  eventually,
  queueDepth,
  servers,
  startSmtpServer,
  startSystem,
  testLinkTokenSecret,
  uniqueNamespace,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';
import { metricSum } from './support/metrics.js';
import { expectedEffects, foundEffects, storedEvents } from './support/effects.js';

const namespace = uniqueNamespace('early');
let smtp: TestSmtpServer;
let mongo: MongoClient;
let api: RunningSystem | undefined;
let consumers: RunningSystem | undefined;

beforeAll(async () => {
  smtp = await startSmtpServer();
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  await consumers?.stop();
  await api?.stop();
  await smtp.close();
  for (const system of [api, consumers]) {
    for (const service of Object.keys(system?.services ?? {})) {
      await dbOf(system!.mongoUrl(service as 'api')).dropDatabase();
    }
  }
  await mongo.close();
  await deleteNamespace(namespace);
});

const dbOf = (url: string): Db => mongo.db(new URL(url).pathname.slice(1));

/** The verification token of the event the API stored for `email` (no mailer runs yet to mail it). */
async function verificationStored(apiDb: Db, email: string): Promise<string> {
  const requested = (await storedEvents(apiDb)).find(
    (e): e is Extract<AnyEvent, { type: 'user.email-verification-requested' }> =>
      e.type === 'user.email-verification-requested' && e.data.user.email === email,
  );
  if (!requested) throw new Error(`no verification stored for ${email}`);
  return linkToken(testLinkTokenSecret, 'verify-email', requested.data.tokenId);
}

/** The accept link of the invite the API stored for `email` (no mailer runs yet to send it). */
async function acceptPathStored(apiDb: Db, email: string): Promise<string> {
  const invite = (await storedEvents(apiDb)).find(
    (e): e is Extract<AnyEvent, { type: 'workspace.member-invited' }> =>
      e.type === 'workspace.member-invited' && e.data.email === email,
  );
  if (!invite) throw new Error(`no invite stored for ${email}`);
  return acceptPathFrom(invite.data.acceptUrl);
}

/** The API's log lines saying which routes the broker returned events on. */
function returnedRoutes(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('no queue is bound to their routing key'))
    .map((line) => (JSON.parse(line) as { routingKey: string }).routingKey)
    .sort();
}

// Ten seconds of writes, the consumers' start-up and the relay's backoff: more than the default.
it(
  'delivers every event the API accepted before any consumer existed, once each, when they start',
  { timeout: 180_000 },
  async () => {
    const env = { SMTP_URL: smtp.url, RATE_LIMIT_MAX: '10000', PUBLIC_URL: 'http://herald.test' };
    api = await startSystem({ namespace, services: ['api'], env });
    const apiUrl = api.services.api!.url;
    const apiDb = dbOf(api.mongoUrl('api'));
    const client = new HeraldClient(apiUrl);
    const signUp = (handle: string) =>
      client.signUp(
        { handle, name: handle, email: `${handle}@example.test` },
        { verify: (email) => verificationStored(apiDb, email) },
      );

    // Writes of every kind, for about ten seconds: long enough for the relay to have retried the
    // returned events several times and backed off, short enough for a test.
    const [ada, bob, cy] = await Promise.all(['ada', 'bob', 'cy'].map(signUp));
    const { id: workspaceId } = await ada!.api.expect<{ id: string }>(201, 'POST', '/workspaces', {
      name: 'Early',
    });
    for (const member of [bob!, cy!]) {
      await ada!.api.expect(201, 'POST', `/workspaces/${workspaceId}/invites`, {
        email: member.email,
      });
      await member.api.expect(200, 'POST', await acceptPathStored(apiDb, member.email));
    }
    const writeUntil = Date.now() + 10_000;
    for (let n = 1; Date.now() < writeUntil; n++) {
      await signUp(`late${n}`);
      const task = await ada!.api.expect<{ id: string }>(
        201,
        'POST',
        `/workspaces/${workspaceId}/tasks`,
        { title: `Task ${n}` },
      );
      await ada!.api.expect(201, 'POST', `/tasks/${task.id}/assignees`, { userId: bob!.id });
      await ada!.api.expect(200, 'PATCH', `/tasks/${task.id}`, { status: 'in_progress' });
      await ada!.api.expect(201, 'POST', `/tasks/${task.id}/comments`, {
        body: `@bob @cy have a look at task ${n}`,
      });
    }

    const events = await storedEvents(apiDb);
    const types = [...new Set(events.map((e) => e.type))].sort();
    expect(types).toEqual([
      'comment.created',
      'task.assigned',
      'task.created',
      'task.status-changed',
      'user.email-verification-requested',
      'user.registered',
      'workspace.created',
      'workspace.member-invited',
      'workspace.member-joined',
    ]);
    // Every one came back (no queue anywhere) and waits; each route is logged once, not per event.
    await eventually(
      'every event returned',
      async () => (await metricSum(apiUrl, 'herald_outbox_returned_total')) === events.length,
    );
    expect(returnedRoutes(api.services.api!.output())).toEqual(types);

    consumers = await startSystem({
      namespace,
      services: ['mailer', 'notifier', 'activity'],
      env,
    });
    const stores = {
      notifier: dbOf(consumers.mongoUrl('notifier')),
      activity: dbOf(consumers.mongoUrl('activity')),
    };
    const expected = expectedEffects(events);
    await eventually(
      'every effect',
      async () => {
        const found = await foundEffects(stores, smtp.messages);
        return (
          found.mails.length >= expected.mails.length &&
          found.notifications.length >= expected.notifications.length &&
          found.feed.length >= expected.feed.length
        );
      },
      90_000,
    );
    // Nothing left to come: the outbox waits for nothing and every queue is empty.
    await eventually(
      'outbox empty',
      async () => (await metricSum(apiUrl, 'herald_outbox_backlog')) === 0,
    );
    for (const queue of ['mailer', 'notifier', 'activity']) {
      await eventually(
        `${queue} drained`,
        async () => (await queueDepth(`${namespace}${queue}`)) === 0,
      );
    }
    expect(await foundEffects(stores, smtp.messages)).toEqual(expected);
    expect(consumers.unexpectedExits()).toEqual([]);
  },
);
