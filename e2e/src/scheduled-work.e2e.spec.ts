// The time-based work: the scheduler fires slots, the owning services act on them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import {
  HeraldClient,
  acceptPathMailedTo,
  verificationMailedVia,
  deleteNamespace,
  eventually,
  servers,
  startSmtpServer,
  startSystem,
  uniqueNamespace,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';

const namespace = uniqueNamespace('sched-work');
let system: RunningSystem;
let schedulerSystem: RunningSystem;
let smtp: TestSmtpServer;
let mongo: MongoClient;
type Person = Awaited<ReturnType<HeraldClient['signUp']>>;
let ada: Person, bob: Person, dan: Person;

// Every 2 s instead of daily, so the test sees several slots of each schedule.
const schedules = [
  { name: 'overdue-reminders', event: 'schedule.overdue-reminders.due' },
  { name: 'token-cleanup', event: 'schedule.token-cleanup.due' },
  { name: 'daily-digest', event: 'schedule.daily-digest.due' },
  { name: 'heartbeat', event: 'system.heartbeat' },
].map((s) => ({ ...s, cron: '*/2 * * * * *', timezone: 'UTC', misfire: 'fire-once' }));

const dbOf = (service: 'api' | 'scheduler') =>
  mongo.db(new URL(system.mongoUrl(service)).pathname.slice(1));

beforeAll(async () => {
  smtp = await startSmtpServer();
  mongo = await MongoClient.connect(servers.mongo);
  // Without the scheduler first: the people and their activity exist before any slot fires.
  system = await startSystem({ namespace, env: { SMTP_URL: smtp.url, RATE_LIMIT_MAX: '10000' } });
  const api = new HeraldClient(system.services.api!.url);
  [ada, bob, dan] = (await Promise.all(
    ['ada', 'bob', 'dan'].map((h) =>
      api.signUp(
        { handle: h, name: h.toUpperCase(), email: `${h}@example.test` },
        { verify: verificationMailedVia(smtp) },
      ),
    ),
  )) as [Person, Person, Person];
  const { id: workspaceId } = await ada.api.expect<{ id: string }>(201, 'POST', '/workspaces', {
    name: 'Ops',
  });
  await ada.api.expect(201, 'POST', `/workspaces/${workspaceId}/invites`, { email: bob.email });
  await bob.api.expect(200, 'POST', await acceptPathMailedTo(smtp, bob.email));
  // Overdue since yesterday, assigned to bob; ada's task creation is also bob's digest material.
  await ada.api.expect(201, 'POST', `/workspaces/${workspaceId}/tasks`, {
    title: 'Renew the certificate',
    dueDate: new Date(Date.now() - 24 * 3_600_000).toISOString(),
    assigneeIds: [bob.id],
  });
  // An expired refresh token (and ada's live one from signing up) in the API's store.
  await dbOf('api')
    .collection('refresh_tokens')
    .insertOne({
      _id: 'expired-token-hash' as never,
      userId: dan.id,
      familyId: 'f-expired',
      parent: 'root-expired',
      createdAt: new Date(Date.now() - 40 * 86_400_000),
      expiresAt: new Date(Date.now() - 10 * 86_400_000),
      // The day bucket the adapter stamps, which pruning deletes by.
      expiresDay: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10),
    });
  // Digests go out at each user's chosen hour: ada and bob choose this one (crossing into the next
  // hour meanwhile would make it the wrong one, so a test started a minute before waits for it).
  const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
  if (toNextHour < 90_000) await new Promise((r) => setTimeout(r, toNextHour + 1_000));
  const digestAt = { hour: new Date().getUTCHours(), timeZone: 'UTC' };
  for (const person of [ada, bob]) {
    await person.api.expect(200, 'PUT', '/me/notification-preferences', { digestAt });
  }
  await new Promise((r) => setTimeout(r, 1_000)); // let the feed settle before the first digest slot
  schedulerSystem = await startSystem({
    namespace,
    services: ['scheduler'],
    envFor: {
      scheduler: {
        SCHEDULES: JSON.stringify(schedules),
        PIPELINE_TARGETS: Object.entries(system.services)
          .map(([name, s]) => `${name}=${s.url}`)
          .join(','),
      },
    },
  });
  Object.assign(system.services, schedulerSystem.services);
}, 240_000);

afterAll(async () => {
  await schedulerSystem?.stop();
  await system.stop();
  await smtp.close();
  await mongo.close();
  await deleteNamespace(namespace);
});

const mailsTo = (person: Person, subject: RegExp) =>
  smtp.messages.filter((m) => m.to.includes(person.email) && subject.test(m.subject));

it('reminds the assignee of an overdue task once per day, by e-mail and in-app', async () => {
  await eventually('reminder e-mail', () => mailsTo(bob, /overdue/i).length > 0, 60_000);
  const inbox = new HeraldClient(system.services.notifier!.url, bob.session.accessToken);
  await eventually('reminder notification', async () =>
    (await inbox.expect<{ items: { kind: string }[] }>(200, 'GET', '/notifications')).items.some(
      (n) => n.kind === 'task-overdue',
    ),
  );
  // Several more slots fire; the task is still overdue, but today's reminder was sent.
  const status = async () =>
    (
      await new HeraldClient(system.services.scheduler!.url).expect<{ slotsFired: number }>(
        200,
        'GET',
        '/status',
      )
    ).slotsFired;
  const fired = await status();
  await eventually(
    'three more slots',
    async () => (await status()) >= fired + 3 * schedules.length,
    30_000,
  );
  expect(mailsTo(bob, /overdue/i)).toHaveLength(1);
  expect(mailsTo(ada, /overdue/i)).toHaveLength(0);
});

it('deletes expired refresh tokens and keeps live ones', async () => {
  const tokens = dbOf('api').collection('refresh_tokens');
  await eventually(
    'expired token gone',
    async () => (await tokens.countDocuments({ _id: 'expired-token-hash' as never })) === 0,
    30_000,
  );
  expect(await tokens.countDocuments({ userId: ada.id })).toBeGreaterThan(0);
  // And the refresh flow still works for a live token.
  const refreshed = await new HeraldClient(system.services.api!.url).request(
    'POST',
    '/auth/refresh',
    { refreshToken: ada.session.refreshToken },
  );
  expect(refreshed.status).toBe(200);
});

it('mails a digest at the chosen hour to a member and to the creator, and none to people without', async () => {
  await eventually('bob digest', () => mailsTo(bob, /digest/i).length > 0, 60_000);
  const digest = mailsTo(bob, /digest/i)[0]!;
  expect(digest.text).toContain('Renew the certificate');
  // The creator's e-mail comes with workspace.created: bob joining is news for ada.
  await eventually('ada digest', () => mailsTo(ada, /digest/i).length > 0, 60_000);
  expect(mailsTo(ada, /digest/i)[0]!.text).toMatch(/BOB joined/i);
  // dan belongs to no workspace: nothing to report, no e-mail.
  expect(mailsTo(dan, /digest/i)).toHaveLength(0);
});

it('reports every consumer healthy on heartbeats', async () => {
  const scheduler = new HeraldClient(system.services.scheduler!.url);
  const report = await eventually(
    'all consumers ok',
    async () => {
      const answer = await scheduler.expect<{
        healthy: boolean;
        consumers: { service: string; status: string }[];
      }>(200, 'GET', '/pipeline');
      return answer.healthy ? answer : undefined;
    },
    30_000,
  );
  expect(report.consumers.map((c) => c.service).sort()).toEqual([
    'activity',
    'api',
    'mailer',
    'notifier',
  ]);
});
