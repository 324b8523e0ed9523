// RabbitMQ goes away while users keep writing: nothing is refused, lost or doubled.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  HeraldClient,
  deleteNamespace,
  eventually,
  startBroker,
  startSmtpServer,
  startSystem,
  stopBroker,
  uniqueNamespace,
  workspaceWithMembers,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';

const namespace = uniqueNamespace('outage');
let system: RunningSystem;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startSystem({
    namespace,
    env: { SMTP_URL: smtp.url, RETRY_DELAYS_MS: '200,400', RATE_LIMIT_MAX: '10000' },
  });
});

afterAll(async () => {
  await startBroker(); // whatever happened above, leave a broker behind
  await system.stop();
  await smtp.close();
  await deleteNamespace(namespace);
});

it('accepts comments while the broker is down and delivers their side effects once it is back', async () => {
  const api = new HeraldClient(system.services.api!.url);
  const {
    owner: ada,
    members: [bob],
    workspaceId,
  } = await workspaceWithMembers(api, smtp, { owner: 'ada', members: ['bob'] });
  const { id: taskId } = await ada.api.expect<{ id: string }>(
    201,
    'POST',
    `/workspaces/${workspaceId}/tasks`,
    { title: 'Outage' },
  );

  await stopBroker();
  const written = 5;
  for (let i = 0; i < written; i++) {
    await ada.api.expect(201, 'POST', `/tasks/${taskId}/comments`, { body: `@bob update ${i}` });
  }
  await startBroker();

  const inbox = new HeraldClient(system.services.notifier!.url, bob.session.accessToken);
  const mentions = async () =>
    (
      await inbox.expect<{ items: { kind: string }[] }>(200, 'GET', '/notifications?limit=50')
    ).items.filter((n) => n.kind === 'mentioned');
  await eventually('every notification', async () => (await mentions()).length >= written, 90_000);
  await eventually(
    'every e-mail',
    () => smtp.messages.filter((m) => /mentioned/i.test(m.subject)).length >= written,
    90_000,
  );
  // Settle, then check nothing arrived twice.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(await mentions()).toHaveLength(written);
  expect(smtp.messages.filter((m) => /mentioned/i.test(m.subject))).toHaveLength(written);
  const codes = await system.stop();
  expect(codes).toEqual({ api: 0, mailer: 0, notifier: 0, activity: 0 });
});
