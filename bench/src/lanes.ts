// Critical mail behind bulk mail: a registration's e-mail timed from the request to its arrival over
// SMTP, on an idle mailer and while thousands of digests wait in the mailer's queues.
import { BrokerConnection, Publisher } from '@herald/bus';
import { laneQueue } from '@herald/contracts';
import { startSmtpServer, testLogger, type TestSmtpServer } from '@herald/testkit';
import type { BenchContext, BenchResult, Benchmark } from './harness.js';
import { fmtMs, percentile } from './latency.js';
import { openLoop } from './open-loop.js';
import { startBenchSystem } from './product.js';
import { benchNamespace } from './resources.js';

/** Issue 17: reset e-mail p99 from request to SMTP below 2 s while 5,000 digests are queued. */
const TARGET_MS = 2_000;
const RATE = 4;

/** Messages ready in a queue, from a passive declare (exact, unlike the management API's samples). */
async function ready(connection: BrokerConnection, queue: string): Promise<number> {
  const current = connection.current;
  if (!current) throw new Error('not connected to RabbitMQ');
  const channel = await current.createChannel();
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close();
  }
}

/** Registers `count` users at RATE a second; each is timed until its welcome reaches SMTP. */
async function registrations(
  apiUrl: string,
  smtp: TestSmtpServer,
  label: string,
  count: number,
): Promise<number[]> {
  const requestedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const watch = setInterval(() => {
    for (const mail of smtp.messages) {
      const to = mail.to[0];
      if (to && requestedAt.has(to) && !arrivedAt.has(to)) arrivedAt.set(to, performance.now());
    }
  }, 5);
  try {
    await openLoop({
      rate: RATE,
      count,
      send: async (i) => {
        const email = `${label}-${i}@lanes.test`;
        requestedAt.set(email, performance.now());
        const response = await fetch(new URL('/auth/register', apiUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email,
            name: `Lane ${i}`,
            handle: `${label}${i}`.replace(/[^a-z0-9]/g, '').slice(0, 30),
            password: 'correct horse battery staple',
          }),
        });
        if (response.status >= 300) {
          throw new Error(`register: ${response.status} ${await response.text()}`);
        }
      },
    });
    const deadline = performance.now() + 120_000;
    while (arrivedAt.size < count) {
      if (performance.now() > deadline) {
        throw new Error(`${count - arrivedAt.size} of ${count} welcome e-mails never arrived`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    clearInterval(watch);
  }
  return [...requestedAt].map(([email, at]) => (arrivedAt.get(email) ?? NaN) - at);
}

export const lanesBenchmark: Benchmark = {
  name: 'lanes',
  title: 'Priority lanes: critical e-mail from request to SMTP, idle vs behind a digest backlog',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const namespace = benchNamespace(ctx, 'lanes');
    const smtp = await startSmtpServer();
    ctx.defer('stop the SMTP server', () => smtp.close());
    const system = await startBenchSystem(ctx, {
      namespace,
      services: ['mailer', 'api'],
      smtp,
    });
    const { api } = system.services;
    if (!api) throw new Error('the api did not start');
    const connection = new BrokerConnection({
      url: ctx.servers.rabbitmq,
      name: `${namespace}digests`,
      logger: testLogger,
    });
    connection.start();
    ctx.defer('close the digest publisher', () => connection.close());
    const activity = new Publisher<'digest.compiled'>({
      connection,
      source: 'activity',
      produces: ['digest.compiled'],
      namespace,
      logger: testLogger,
    });
    await activity.start();
    await connection.waitUntilConnected(10_000);

    const backlog = ctx.count(5_000, 200);
    const count = ctx.count(60, 12);
    const idle = await registrations(api.url, smtp, `idle${Date.now() % 1_000}`, count);

    ctx.log(`publishing ${backlog} digests`);
    for (let i = 0; i < backlog; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, backlog - i) }, (_, j) =>
          activity.publish('digest.compiled', {
            recipient: {
              userId: `u-${i + j}`,
              email: `member${i + j}@digest.test`,
              name: `Member ${i + j}`,
            },
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
        ),
      );
    }
    const digestQueue = laneQueue('mailer', 'digest', { namespace }).queue;
    const waitingBefore = await ready(connection, digestQueue);
    const busy = await registrations(api.url, smtp, `busy${Date.now() % 1_000}`, count);
    const waitingAfter = await ready(connection, digestQueue);
    const digestsSent = smtp.messages.filter((m) => m.to[0]?.endsWith('@digest.test')).length;

    const p50 = (xs: number[]) => percentile(xs, 50);
    const p99 = (xs: number[]) => percentile(xs, 99);
    const met = p99(busy) < TARGET_MS;
    return {
      name: 'lanes',
      title: lanesBenchmark.title,
      method:
        `The api and mailer run as processes, the mailer sending over SMTP to a test server in this ` +
        `process. ${count} users register at ${RATE}/s, each timed from its POST /auth/register until ` +
        `its e-mail (critical lane, mailer.critical) arrives over SMTP: once with the mailer idle, once ` +
        `right after ${backlog} digest.compiled events were published to its digest lane.`,
      rows: [],
      notes: [
        `Idle: p50 ${fmtMs(p50(idle))} ms, p99 ${fmtMs(p99(idle))} ms.`,
        `Behind ${backlog} digests: p50 ${fmtMs(p50(busy))} ms, p99 ${fmtMs(p99(busy))} ms — ` +
          `${met ? 'meets' : 'does NOT meet'} the < ${TARGET_MS} ms target.`,
        `The backlog was there throughout: ${waitingBefore} digests ready in ${digestQueue} before ` +
          `the registrations, ${waitingAfter} after them; ${digestsSent} had been sent when the ` +
          'last registration e-mail arrived.',
        'The e-mail timed is the registration mail, on the same critical lane as password reset ' +
          '(and the same SMTP pool and send gate).',
      ],
    };
  },
};
