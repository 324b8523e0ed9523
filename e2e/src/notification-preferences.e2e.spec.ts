// Preferences and one-click unsubscribe over the real API, broker, mailer, notifier and SMTP: each
// wait is for a state (a copy of the preferences, a processed-events record, an e-mail), never a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { verifyUnsubscribeToken } from '@herald/auth';
import type { Publisher } from '@herald/bus';
import type { NotificationPreferences, PreferenceKind } from '@herald/contracts';
import {
  HeraldClient,
  deleteNamespace,
  eventually,
  freePort,
  mongoUrlForTest,
  servers,
  startService,
  startSmtpServer,
  testUnsubscribeSecret,
  uniqueNamespace,
  workspaceWithMembers,
  type Person,
  type ReceivedMail,
  type RunningService,
  type TestSmtpServer,
} from '@herald/testkit';
import { storedEvents } from './support/effects.js';
import { handled as handledBy } from './support/processed.js';
import { TestProducer } from './support/producer.js';

const namespace = uniqueNamespace('prefs');
const dbName = (service: string) =>
  new URL(mongoUrlForTest(`${namespace}${service}`)).pathname.slice(1);
const preferencesPath = '/me/notification-preferences';

let smtp: TestSmtpServer;
let services: RunningService[] = [];
let api: RunningService;
let mongo: MongoClient;
let producer: TestProducer;
let scheduled: Publisher<'task.overdue'>;
let digests: Publisher<'digest.compiled'>;
let ada: Person; // owns the workspace, comments and assigns
let bob: Person; // turns e-mail for mentions off
let cy: Person; // turns in-app mentions off, then unsubscribes from the e-mail too
let workspaceId: string;
let task: { id: string; key: string; title: string };

const db = (service: string): Db => mongo.db(dbName(service));

beforeAll(async () => {
  smtp = await startSmtpServer();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const env = (service: string) => ({
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrlForTest(`${namespace}${service}`),
    PUBLIC_URL: publicUrl,
  });
  // Consumers first, so their queues exist before the API publishes.
  const mailer = await startService('mailer', { ...env('mailer'), SMTP_URL: smtp.url });
  const notifier = await startService('notifier', env('notifier'));
  api = await startService('api', { ...env('api'), PORT: String(port) });
  services = [api, notifier, mailer];
  mongo = await MongoClient.connect(servers.mongo);
  producer = new TestProducer(namespace);
  scheduled = await producer.publisher('api', ['task.overdue']);
  digests = await producer.publisher('activity', ['digest.compiled']);

  const setup = await workspaceWithMembers(new HeraldClient(api.url), smtp, {
    owner: 'ada',
    members: ['bob', 'cy'],
  });
  ({ owner: ada, workspaceId } = setup);
  [bob, cy] = setup.members;
  task = await ada.api.expect(201, 'POST', `/workspaces/${workspaceId}/tasks`, {
    title: 'Write the launch post',
  });
});

afterAll(async () => {
  for (const service of services) expect(await service.stop()).toBe(0);
  await producer?.close();
  await smtp?.close();
  for (const service of ['api', 'mailer', 'notifier']) await db(service).dropDatabase();
  await mongo?.close();
  await deleteNamespace(namespace);
});

/** Waits until both consumers hold `version` of the user's preferences in their own copies. */
async function copiesAt(userId: string, version: number): Promise<void> {
  for (const service of ['mailer', 'notifier']) {
    await eventually(`${service} holds version ${version} of ${userId}'s preferences`, () =>
      db(service).collection('notification_preferences').findOne({ userId, version }),
    );
  }
}

/** Waits until a consumer has completely handled an event. */
const handled = (service: 'mailer' | 'notifier', eventId: string) =>
  handledBy(db(service), service, eventId);

/** The id of the one event of `type` the API stored that `match` picks. */
async function eventId(type: string, match: (data: Record<string, unknown>) => boolean) {
  const events = await storedEvents(db('api'));
  const found = events.filter((e) => e.type === type && match(e.data as Record<string, unknown>));
  expect(found).toHaveLength(1);
  return found[0]!.id;
}

const mailsOf = (id: string) => smtp.messages.filter((m) => m.headers['x-herald-event-id'] === id);
const notificationsOf = (id: string) =>
  db('notifier')
    .collection<{ userId: string; kind: string }>('notifications')
    .find({ eventId: id })
    .toArray();

/** The one-click URL and the token of a delivered e-mail's List-Unsubscribe header. */
function unsubscribeLink(mail: ReceivedMail | undefined): { url: string; token: string } {
  const match = /^<(https?:\/\/[^>]+\/unsubscribe\/([\w-]+\.[\w-]+))>/.exec(
    mail?.headers['list-unsubscribe'] ?? '',
  );
  if (!match) throw new Error(`no List-Unsubscribe link in ${JSON.stringify(mail?.headers)}`);
  return { url: match[1]!, token: match[2]! };
}

function expectUnsubscribable(
  mail: ReceivedMail | undefined,
  userId: string,
  kind: PreferenceKind,
) {
  expect(mail?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  expect(verifyUnsubscribeToken(testUnsubscribeSecret, unsubscribeLink(mail).token)).toEqual({
    ok: true,
    userId,
    kind,
  });
}

const oneClick = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

describe('notification preferences, end to end', () => {
  it('e-mail for mentions off stops the e-mail but not the in-app notification, and the reverse', async () => {
    const bobs = await bob.api.expect<NotificationPreferences>(200, 'PUT', preferencesPath, {
      email: { mentioned: false },
    });
    expect(bobs.email.mentioned).toBe(false);
    const cys = await cy.api.expect<NotificationPreferences>(200, 'PUT', preferencesPath, {
      inApp: { mentioned: false },
    });
    expect(cys.inApp.mentioned).toBe(false);
    await copiesAt(bob.id, 1);
    await copiesAt(cy.id, 1);

    await ada.api.expect(201, 'POST', `/tasks/${task.id}/comments`, {
      body: '@bob @cy have a look',
    });
    const comment = await eventId('comment.created', () => true);
    await handled('mailer', comment);
    await handled('notifier', comment);

    expect(mailsOf(comment).map((m) => m.to)).toEqual([[cy.email]]);
    expect((await notificationsOf(comment)).map((n) => [n.userId, n.kind])).toEqual([
      [bob.id, 'mentioned'],
    ]);
    expectUnsubscribable(mailsOf(comment)[0], cy.id, 'mentioned');
  });

  it('the one-click POST from the e-mail works without login, is idempotent, and GET never unsubscribes', async () => {
    const comment = await eventId('comment.created', () => true);
    const { url } = unsubscribeLink(mailsOf(comment)[0]);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect(
      (await cy.api.expect<NotificationPreferences>(200, 'GET', preferencesPath)).email,
    ).toMatchObject({
      mentioned: true,
    });

    expect((await oneClick(url)).status).toBe(200);
    expect((await oneClick(url)).status).toBe(200);
    const after = await cy.api.expect<NotificationPreferences>(200, 'GET', preferencesPath);
    expect(after).toEqual({
      email: { mentioned: false, assigned: true, overdue: true, digest: true },
      inApp: { mentioned: false, assigned: true, overdue: true, digest: true },
      digestAt: { hour: 7, timeZone: 'UTC' },
    });
    // One change, one event: the repeated POST changed nothing.
    const changes = (await storedEvents(db('api'))).filter(
      (e) => e.type === 'user.notification-preferences-changed' && e.data.userId === cy.id,
    );
    expect(
      changes.map((e) => e.type === 'user.notification-preferences-changed' && e.data.version),
    ).toEqual([1, 2]);
    await copiesAt(cy.id, 2);

    // The mailer honours it: a new mention of cy sends her no e-mail.
    await ada.api.expect(201, 'POST', `/tasks/${task.id}/comments`, { body: 'and again @cy' });
    const second = await eventId('comment.created', (d) => d.body === 'and again @cy');
    await handled('mailer', second);
    expect(mailsOf(second)).toEqual([]);
  });

  it('puts the one-click headers on every non-transactional kind and none on welcome or invite', async () => {
    await ada.api.expect(201, 'POST', `/tasks/${task.id}/assignees`, { userId: bob.id });
    const assigned = await eventId('task.assigned', () => true);
    await smtp.waitFor(() => mailsOf(assigned).length === 1);
    expectUnsubscribable(mailsOf(assigned)[0], bob.id, 'assigned');

    const bobRecipient = { userId: bob.id, email: bob.email, name: bob.name };
    const overdue = await scheduled.publish('task.overdue', {
      workspaceId,
      taskId: task.id,
      key: task.key,
      title: task.title,
      dueDate: '2026-01-01T00:00:00.000Z',
      assignees: [bobRecipient],
      day: '2026-01-02',
    });
    const digest = await digests.publish('digest.compiled', {
      recipient: bobRecipient,
      day: '2026-01-02',
      workspaces: [
        {
          workspaceId,
          name: 'Ops',
          entries: [
            { type: 'task.created', summary: 'ada created a task', at: '2026-01-01T09:00:00Z' },
          ],
          more: 0,
        },
      ],
      moreWorkspaces: 0,
    });
    await smtp.waitFor(() => mailsOf(overdue.id).length === 1 && mailsOf(digest.id).length === 1);
    expectUnsubscribable(mailsOf(overdue.id)[0], bob.id, 'overdue');
    expectUnsubscribable(mailsOf(digest.id)[0], bob.id, 'digest');

    const transactional = smtp.messages.filter(
      (m) => /^Welcome to Herald/.test(m.subject) || /invited you/.test(m.subject),
    );
    expect(transactional.map((m) => m.subject).filter((s) => /invited you/.test(s))).toHaveLength(
      2,
    );
    expect(transactional.filter((m) => /^Welcome/.test(m.subject))).toHaveLength(3);
    for (const mail of transactional) {
      expect(mail.headers['list-unsubscribe']).toBeUndefined();
      expect(mail.headers['list-unsubscribe-post']).toBeUndefined();
    }
  });
});
