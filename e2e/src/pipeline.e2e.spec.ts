// The product's whole background pipeline, every service as a process, real broker, store and SMTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, Consumer, Publisher } from '@herald/bus';
import { queueTopology, type Event } from '@herald/contracts';
import {
  HeraldClient,
  acceptPathFrom,
  verificationMailedVia,
  deleteNamespace,
  eventually,
  servers,
  startSmtpServer,
  startSystem,
  testLogger,
  uniqueNamespace,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';

const namespace = uniqueNamespace('pipe');
let system: RunningSystem;
let smtp: TestSmtpServer;
let api: HeraldClient;
const probe = new BrokerConnection({
  url: servers.rabbitmq,
  name: `${namespace}probe`,
  logger: testLogger,
});
const comments: Event<'comment.created'>[] = [];

interface Page<T> {
  items: T[];
}
type Person = Awaited<ReturnType<HeraldClient['signUp']>>;
let ada: Person, bob: Person, cy: Person, dan: Person;
let workspaceId: string;
let taskId: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  probe.start();
  // A probe queue sees every comment.created, so the test can deliver one a second time.
  const consumer = new Consumer({
    connection: probe,
    topology: queueTopology({ queue: 'probe', consumes: ['comment.created'], namespace }),
    name: 'probe',
    logger: testLogger,
  });
  consumer.on('comment.created', async (event) => {
    comments.push(event);
  });
  await consumer.start();
  system = await startSystem({
    namespace,
    env: {
      SMTP_URL: smtp.url,
      RETRY_DELAYS_MS: '200,400',
      PUBLIC_URL: 'http://herald.test',
      RATE_LIMIT_MAX: '10000',
    },
  });
  api = new HeraldClient(system.services.api!.url);
  const signUp = (handle: string, name = handle.toUpperCase()) =>
    api.signUp(
      { handle, name, email: `${handle}@example.test` },
      { verify: verificationMailedVia(smtp) },
    );
  [ada, bob, cy, dan] = await Promise.all([
    signUp('ada'),
    signUp('bob', 'Bob <b>Builder</b> & "Co"'),
    signUp('cy'),
    signUp('dan'),
  ]);
  workspaceId = (
    await ada.api.expect<{ id: string }>(201, 'POST', '/workspaces', { name: 'Web Site' })
  ).id;
  for (const invitee of [bob, cy]) {
    await ada.api.expect(201, 'POST', `/workspaces/${workspaceId}/invites`, {
      email: invitee.email,
    });
  }
  const invites = await smtp.waitFor((all) =>
    [bob, cy].every((p) => all.some((m) => m.to.includes(p.email) && /invite/i.test(m.subject))),
  );
  for (const invitee of [bob, cy]) {
    const mail = invites.find((m) => m.to.includes(invitee.email) && /invite/i.test(m.subject))!;
    await invitee.api.expect(200, 'POST', acceptPathFrom(mail.text));
  }
  taskId = (
    await ada.api.expect<{ id: string }>(201, 'POST', `/workspaces/${workspaceId}/tasks`, {
      title: 'Fix <login>',
    })
  ).id;
}, 120_000);

afterAll(async () => {
  const codes = await system.stop();
  await probe.close();
  await smtp.close();
  await deleteNamespace(namespace);
  expect(codes).toEqual({ api: 0, mailer: 0, notifier: 0, activity: 0 });
});

const inbox = (person: Person) =>
  new HeraldClient(system.services.notifier!.url, person.session.accessToken);
const feed = (person: Person) =>
  new HeraldClient(system.services.activity!.url, person.session.accessToken);
const commentMails = () => smtp.messages.filter((m) => /mentioned/i.test(m.subject));
const mentionsOf = async (person: Person) =>
  (await inbox(person).expect<Page<{ kind: string }>>(200, 'GET', '/notifications')).items.filter(
    (n) => n.kind === 'mentioned',
  );
const commentEntries = async () =>
  (
    await feed(ada).expect<Page<{ type: string }>>(
      200,
      'GET',
      `/workspaces/${workspaceId}/activity`,
    )
  ).items.filter((e) => e.type === 'comment.created');

describe('a comment with @mentions', () => {
  it('returns 201 at once and yields exactly one notification and one e-mail per mentioned member, and one feed entry', async () => {
    await ada.api.expect(201, 'POST', `/tasks/${taskId}/comments`, {
      body: 'Hey @bob and @cy, see <b>this</b>; also @dan (not a member), @ada (me) and @bob again',
    });

    await eventually('two comment e-mails', () => commentMails().length >= 2);
    await eventually(
      'notifications',
      async () => (await mentionsOf(bob)).length === 1 && (await mentionsOf(cy)).length === 1,
    );
    await eventually('feed entry', async () => (await commentEntries()).length === 1);

    const mails = commentMails();
    expect(
      mails
        .map((m) => m.to)
        .flat()
        .sort(),
    ).toEqual([bob.email, cy.email]);
    const toBob = mails.find((m) => m.to.includes(bob.email))!;
    expect(toBob.html).not.toContain('<b>Builder</b>');
    expect(toBob.html).toContain('&lt;b&gt;Builder&lt;/b&gt;');
    expect(toBob.html).not.toContain('<b>this</b>');
    expect(toBob.text).toContain('<b>this</b>'); // plain text keeps what was typed
    expect(await mentionsOf(dan)).toEqual([]);
    expect(await mentionsOf(ada)).toEqual([]);
  });

  it('changes nothing when the same event is delivered again', async () => {
    await eventually('the probe saw the comment', () => comments.length === 1);
    const publisher = new Publisher({
      connection: probe,
      source: 'api',
      produces: ['comment.created'],
      namespace,
      logger: testLogger,
    });
    await publisher.start();
    await publisher.publishEvent(comments[0]!);
    // A second, later comment mentioning only cy marks when the duplicate has surely been handled.
    await ada.api.expect(201, 'POST', `/tasks/${taskId}/comments`, { body: 'thanks @cy' });
    await eventually(
      'marker handled everywhere',
      async () =>
        commentMails().length >= 3 &&
        (await mentionsOf(cy)).length === 2 &&
        (await commentEntries()).length === 2,
    );
    expect(commentMails()).toHaveLength(3);
    expect(await mentionsOf(bob)).toHaveLength(1);
    expect(await commentEntries()).toHaveLength(2);
  });
});

describe('invites', () => {
  it('made bob and cy members through the e-mailed link', async () => {
    const { members } = await ada.api.expect<{ members: { handle: string }[] }>(
      200,
      'GET',
      `/workspaces/${workspaceId}/members`,
    );
    expect(members.map((m) => m.handle).sort()).toEqual(['ada', 'bob', 'cy']);
  });
});

describe('isolation between workspaces', () => {
  it('refuses a member of another workspace on tasks, comments, members, invites and the feed', async () => {
    await dan.api.expect(201, 'POST', '/workspaces', { name: 'Dan Co' });
    expect((await dan.api.request('GET', `/tasks/${taskId}`)).status).toBe(403);
    expect(
      (await dan.api.request('POST', `/tasks/${taskId}/comments`, { body: 'hi' })).status,
    ).toBe(403);
    expect((await dan.api.request('GET', `/workspaces/${workspaceId}/members`)).status).toBe(403);
    expect(
      (
        await dan.api.request('POST', `/workspaces/${workspaceId}/invites`, {
          email: 'x@example.test',
        })
      ).status,
    ).toBe(403);
    expect((await feed(dan).request('GET', `/workspaces/${workspaceId}/activity`)).status).toBe(
      403,
    );
  });
});

describe('metrics', () => {
  it('shows the counters moving on every service', async () => {
    const scrape = async (service: 'api' | 'mailer' | 'notifier' | 'activity') =>
      (await fetch(`${system.services[service]!.url}/metrics`)).text();
    const value = (text: string, series: RegExp) =>
      Number(
        text
          .split('\n')
          .find((line) => series.test(line))
          ?.split(' ')
          .at(-1) ?? 'NaN',
      );
    for (const service of ['mailer', 'notifier', 'activity'] as const) {
      const text = await scrape(service);
      expect(
        value(text, /^herald_messages_consumed_total\{.*type="comment\.created"/),
        service,
      ).toBeGreaterThanOrEqual(2);
      expect(
        value(text, /^herald_handler_duration_seconds_count\{.*type="comment\.created"/),
        service,
      ).toBeGreaterThanOrEqual(2);
    }
    const api = await scrape('api');
    expect(
      value(api, /^herald_publish_confirm_seconds_count\{.*exchange=".*tasks"/),
    ).toBeGreaterThanOrEqual(2);
    expect(api).toMatch(/^herald_outbox_backlog\{/m);
    expect(api).toMatch(/^process_cpu_seconds_total/m);
  });
});
