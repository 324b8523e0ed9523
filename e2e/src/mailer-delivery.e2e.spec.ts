import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Publisher } from '@herald/bus';
import type { EventType } from '@herald/contracts';
import { TestProducer } from './support/producer.js';
import {
  deleteNamespace,
  mongoUrlForTest,
  servers,
  startService,
  startSmtpServer,
  uniqueNamespace,
  type ReceivedMail,
  type RunningService,
  type TestSmtpServer,
} from '@herald/testkit';

const namespace = uniqueNamespace('mailer');
const mongoUrl = mongoUrlForTest(`${namespace}mailer`);
const hostile = `<script>alert("x")</script> O'Brien & Co\r\nBcc: victim@example.test`;

let smtp: TestSmtpServer;
let mailer: RunningService;
let producer: TestProducer;
let api: Publisher<EventType>;
let activity: Publisher<'digest.compiled'>;
let mongo: MongoClient;

/** What the mailer must put in Message-ID, computed here independently of its code. */
function expectedMessageId(eventId: string, email: string): string {
  return `<${createHash('sha256').update(`${eventId}:${email}`).digest('hex').slice(0, 32)}@herald>`;
}

function mailsFor(eventId: string): ReceivedMail[] {
  return smtp.messages.filter((m) => m.headers['x-herald-event-id'] === eventId);
}

/**
 * With PREFETCH=1 the mailer handles its main queue in order: once a later comment's e-mail
 * arrived, every comment published before it has been handled too. (A welcome would not do: it
 * goes to the critical lane, which never waits for the main queue.)
 */
async function drain(label: string): Promise<void> {
  const email = `${label}@sentinel.test`;
  await api.publish('comment.created', {
    workspaceId: 'w-sentinel',
    taskId: 't-sentinel',
    key: 'WS-0',
    title: 'Sentinel',
    commentId: `c-sentinel-${label}`,
    body: `@s-${label}`,
    author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
    mentions: [{ userId: `sentinel-${label}`, email, name: 'Sentinel', handle: `s-${label}` }],
  });
  await smtp.waitFor((all) => all.some((m) => m.to.includes(email)));
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = await startService('mailer', {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    SMTP_URL: smtp.url,
    PREFETCH: '1',
  });
  producer = new TestProducer(namespace);
  api = await producer.publisher('api', [
    'user.registered',
    'workspace.member-invited',
    'task.assigned',
    'comment.created',
    'task.overdue',
  ]);
  activity = await producer.publisher('activity', ['digest.compiled']);
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  expect(await mailer.stop()).toBe(0);
  await producer.close();
  await smtp.close();
  await mongo.db(new URL(mongoUrl).pathname.slice(1)).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
});

describe('mailer: events in, e-mails out over SMTP', () => {
  it('welcomes a new user, with their hostile name escaped and no header injected', async () => {
    const event = await api.publish('user.registered', {
      userId: 'u-ada',
      email: 'ada@example.test',
      name: hostile,
      handle: 'ada',
    });

    await smtp.waitFor(() => mailsFor(event.id).length === 1);
    const [mail] = mailsFor(event.id);
    expect(mail).toMatchObject({
      from: 'no-reply@herald.local',
      to: ['ada@example.test'],
      subject: `Welcome to Herald, <script>alert("x")</script> O'Brien & Co Bcc: victim@example.test`,
      messageId: expectedMessageId(event.id, 'ada@example.test'),
    });
    expect(mail?.headers.bcc).toBeUndefined();
    expect(mail?.headers['auto-submitted']).toBe('auto-generated');
    expect(mail?.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co',
    );
    expect(mail?.html).not.toContain('<script');
    expect(mail?.text).toContain(`O'Brien & Co Bcc: victim@example.test`);
    expect(smtp.messages.flatMap((m) => m.to)).not.toContain('victim@example.test');
  });

  it('mails each of two mentioned members once, and not again when the event comes twice', async () => {
    const mentions = [
      { userId: 'u-bob', email: 'bob@example.test', name: 'Bob', handle: 'bob' },
      { userId: 'u-cy', email: 'cy@example.test', name: 'Cy <Admin>', handle: 'cy' },
    ];
    const event = await api.publish('comment.created', {
      workspaceId: 'w-1',
      taskId: 't-1',
      key: 'WS-1',
      title: 'Ship <it> & see',
      commentId: 'c-1',
      body: 'Hey @bob and @cy,\nplease <b>review</b>',
      author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
      mentions,
    });
    await smtp.waitFor(() => mailsFor(event.id).length === 2);

    await api.publishEvent(event); // a redelivery, as after a crash before the ack
    await drain('after-duplicate');

    const mails = mailsFor(event.id);
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.to).sort()).toEqual([['bob@example.test'], ['cy@example.test']]);
    for (const mail of mails) {
      expect(mail.messageId).toBe(expectedMessageId(event.id, mail.to[0] ?? ''));
      expect(mail.subject).toBe('Ada mentioned you on WS-1: Ship <it> & see');
      expect(mail.html).toContain('please &lt;b&gt;review&lt;/b&gt;');
    }
    const toCy = mails.find((m) => m.to[0] === 'cy@example.test');
    expect(toCy?.headers.to).toContain('Cy <Admin>');
    expect(toCy?.html).toContain('Hi Cy &lt;Admin&gt;,');
    expect(mails.find((m) => m.to[0] === 'bob@example.test')?.text).toContain('Hi Bob,');

    const sent = await mongo
      .db(new URL(mongoUrl).pathname.slice(1))
      .collection('sent_mail')
      .find({ eventId: event.id })
      .toArray();
    expect(sent.map((s) => s._id).sort()).toEqual([
      `${event.id}:bob@example.test`,
      `${event.id}:cy@example.test`,
    ]);
  });

  it('sends nothing for a comment that mentions nobody', async () => {
    const event = await api.publish('comment.created', {
      workspaceId: 'w-1',
      taskId: 't-1',
      key: 'WS-1',
      title: 'Quiet',
      commentId: 'c-2',
      body: 'no mentions here',
      author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
      mentions: [],
    });
    await drain('after-no-mentions');
    expect(mailsFor(event.id)).toHaveLength(0);
  });

  it('sends the invite with its accept link', async () => {
    const acceptUrl = 'https://herald.example/invites/accept?token=tok-1&ws=w-1';
    const event = await api.publish('workspace.member-invited', {
      workspaceId: 'w-1',
      workspaceName: 'Apollo & <Friends>',
      inviteId: 'i-1',
      email: 'newbie@example.test',
      acceptUrl,
      invitedBy: { userId: 'u-ada', name: 'Ada' },
    });
    await smtp.waitFor(() => mailsFor(event.id).length === 1);
    const [mail] = mailsFor(event.id);
    expect(mail?.to).toEqual(['newbie@example.test']);
    expect(mail?.subject).toBe('Ada invited you to Apollo & <Friends> on Herald');
    expect(mail?.html).toContain(`href="${acceptUrl.replace('&', '&amp;')}"`);
    expect(mail?.html).toContain('Apollo &amp; &lt;Friends&gt;');
    expect(mail?.text).toContain(acceptUrl);
  });

  it('tells the assignee about an assigned task', async () => {
    const event = await api.publish('task.assigned', {
      workspaceId: 'w-1',
      taskId: 't-2',
      key: 'WS-2',
      title: 'Write the docs',
      assignee: { userId: 'u-bob', email: 'bob@example.test', name: 'Bob' },
      assignedBy: { userId: 'u-ada', name: 'Ada' },
    });
    await smtp.waitFor(() => mailsFor(event.id).length === 1);
    expect(mailsFor(event.id)[0]).toMatchObject({
      to: ['bob@example.test'],
      subject: '[WS-2] Write the docs was assigned to you',
    });
  });

  it('reminds every assignee of an overdue task', async () => {
    const event = await api.publish('task.overdue', {
      workspaceId: 'w-1',
      taskId: 't-3',
      key: 'WS-3',
      title: 'Pay the invoice',
      dueDate: '2025-03-01T09:00:00.000Z',
      assignees: [
        { userId: 'u-bob', email: 'bob@example.test', name: 'Bob' },
        { userId: 'u-cy', email: 'cy@example.test', name: 'Cy' },
      ],
      day: '2025-03-02',
    });
    await smtp.waitFor(() => mailsFor(event.id).length === 2);
    const mails = mailsFor(event.id);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['bob@example.test', 'cy@example.test']);
    expect(mails.every((m) => m.subject === 'Overdue: [WS-3] Pay the invoice')).toBe(true);
    expect(mails[0]?.text).toContain('It was due 2025-03-01 09:00 UTC');
  });

  it('mails the daily digest compiled by the activity service', async () => {
    const event = await activity.publish('digest.compiled', {
      recipient: { userId: 'u-ada', email: 'ada@example.test', name: 'Ada' },
      day: '2025-03-02',
      workspaces: [
        {
          workspaceId: 'w-1',
          name: 'Apollo',
          entries: [
            { type: 'task.created', summary: 'Bob created WS-4', at: '2025-03-02T10:15:00Z' },
          ],
          more: 0,
        },
      ],
      moreWorkspaces: 0,
    });
    await smtp.waitFor(() => mailsFor(event.id).length === 1);
    const [mail] = mailsFor(event.id);
    expect(mail?.subject).toBe('Your Herald digest for 2025-03-02');
    expect(mail?.text).toContain('- Bob created WS-4 (2025-03-02 10:15 UTC)');
  });

  it('exposes what it handled as Prometheus metrics', async () => {
    const response = await fetch(`${mailer.url}/metrics`);
    expect(response.status).toBe(200);
    const consumed = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('herald_messages_consumed_total{'));
    const comments = consumed.find((line) => line.includes('type="comment.created"'));
    expect(comments).toContain('service="mailer"');
    expect(Number(comments?.split(' ').pop())).toBeGreaterThanOrEqual(2);
  });
});
