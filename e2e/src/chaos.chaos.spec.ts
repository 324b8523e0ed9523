// Herald's promises under fire: steady comment traffic while consumers crash, the broker and the
// store restart, the mail server refuses and hangs, poison arrives and the scheduler leader dies.
// Then count: every stored comment has exactly its e-mails, notifications and feed entry.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDeadLetters, sleep } from '@herald/bus';
import { serviceQueue } from '@herald/contracts';
import { connectMongo } from '@herald/store';
import {
  HeraldClient,
  deleteNamespace,
  eventually,
  isReady,
  restartStore,
  schedulerLeader,
  startBroker,
  startService,
  startSmtpServer,
  startSystem,
  stopBroker,
  uniqueNamespace,
  workspaceWithMembers,
  type RunningService,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';
import {
  feedTally,
  mailTally,
  notificationTally,
  storedComments,
  type StoredComment,
} from './chaos/ledger.js';
import { commentLoad } from './chaos/load.js';
import { poisonMessages, publishPoison } from './chaos/poison.js';
import {
  heartbeatSchedulerEnv,
  startHeartbeatProbe,
  type HeartbeatProbe,
} from './support/heartbeats.js';
import { TestProducer } from './support/producer.js';
import { chaosSummary, type FaultRecord } from './chaos/report.js';

const namespace = uniqueNamespace('chaos');
const perSecond = Number(process.env.CHAOS_RATE ?? '2');
const consumers = ['mailer', 'notifier', 'activity'] as const;
const leaseTtlMs = 3_000;

let smtp: TestSmtpServer;
let system: RunningSystem;
let schedulers: RunningService[] = [];
let heartbeats: HeartbeatProbe;
let producer: TestProducer;
const startScheduler = (n: number) =>
  startService('scheduler', {
    ...heartbeatSchedulerEnv({
      namespace,
      mongoUrl: system.mongoUrl('scheduler'),
      leaseTtlMs,
      renewMs: 1_000,
    }),
    HOLDER_ID: `replica-${n}`,
  });

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startSystem({
    namespace,
    env: {
      SMTP_URL: smtp.url,
      // Retries must outlast the longest fault (SMTP 8 s, store restart) or mail ends in the DLQ.
      RETRY_DELAYS_MS: '500,1000,2000,4000',
      RETRY_MAX_ATTEMPTS: '15',
      SMTP_SOCKET_TIMEOUT_MS: '2000',
      SMTP_GREETING_TIMEOUT_MS: '2000',
      SMTP_CONNECTION_TIMEOUT_MS: '2000',
      RATE_LIMIT_MAX: '1000000',
    },
  });
  // Bound before the first slot fires, so the probe sees every heartbeat the schedulers emit.
  heartbeats = await startHeartbeatProbe(namespace);
  producer = new TestProducer(namespace);
  schedulers = await Promise.all([1, 2].map(startScheduler));
}, 180_000);

afterAll(async () => {
  await startBroker(); // whatever failed above, leave a broker behind
  for (const s of schedulers) s.process.kill('SIGCONT');
  await Promise.all(schedulers.map((s) => s.stop('SIGKILL')));
  await system?.stop();
  await smtp?.close();
  await producer?.close();
  await heartbeats?.stop();
  await deleteNamespace(namespace);
});

it(
  'loses nothing and doubles nothing through crashes, restarts, a failing mail server and poison',
  {
    timeout: 600_000,
  },
  async () => {
    const api = new HeraldClient(system.services.api!.url);
    const { owner, members, workspaceId } = await workspaceWithMembers(api, smtp, {
      owner: 'ada',
      members: ['bob', 'cy'],
    });
    const { id: taskId } = await owner.api.expect<{ id: string }>(
      201,
      'POST',
      `/workspaces/${workspaceId}/tasks`,
      { title: 'Under fire' },
    );

    const faults: FaultRecord[] = [];
    const allReady = () =>
      eventually(
        'every service ready',
        async () => {
          const services = [...Object.values(system.services), ...schedulers];
          return (await Promise.all(services.map(isReady))).every(Boolean);
        },
        120_000,
      );
    const load = commentLoad({
      author: owner.api,
      taskId,
      mentions: members.map((m) => m.handle),
      perSecond,
    });
    const loadStarted = Date.now();
    await sleep(3_000);

    // Consumers crash mid-flight, one at a time.
    for (const service of consumers) {
      const recoveryMs = await system.restart(service, 'SIGKILL');
      faults.push({ fault: `SIGKILL ${service}, restart`, recoveryMs, until: 'ready again' });
      await sleep(2_000);
    }

    // Poison straight onto the exchange: each of the three comment.created consumers gets all of it.
    const poison = poisonMessages(namespace);
    const poisonedAt = Date.now();
    await publishPoison(producer.connection.current!, namespace, poison);
    const deadLetters = async () =>
      Object.fromEntries(
        await Promise.all(
          consumers.map(async (service) => {
            const dead = await listDeadLetters(
              producer.connection.current!,
              serviceQueue(service, { namespace }),
            );
            return [service, dead] as const;
          }),
        ),
      );
    await eventually(
      'poison dead-lettered',
      async () => Object.values(await deadLetters()).every((d) => d.length >= poison.length),
      60_000,
    );
    faults.push({
      fault: `${poison.length} poison messages to ${consumers.length} consumers`,
      recoveryMs: Date.now() - poisonedAt,
      until: 'all in the DLQs',
    });

    // The broker goes away for 3 s.
    await stopBroker();
    await sleep(3_000);
    let from = Date.now();
    await startBroker();
    await allReady();
    faults.push({
      fault: 'RabbitMQ stopped for 3 s',
      recoveryMs: Date.now() - from,
      until: 'every service ready',
    });

    // The mail server refuses with 451 for 4 s, then takes mail but never answers for 4 s.
    smtp.refuse(451);
    await sleep(4_000);
    smtp.hang();
    await sleep(4_000);
    const before = smtp.messages.length;
    from = Date.now();
    smtp.accept();
    await eventually('mail flowing again', () => smtp.messages.length > before, 60_000);
    faults.push({
      fault: `SMTP 451 for 4 s (${smtp.refusals.length} refused), hung 4 s (${smtp.held} held)`,
      recoveryMs: Date.now() - from,
      until: 'next e-mail accepted',
    });

    // The scheduler leader crashes, then another one stops answering for longer than its lease.
    const killed = await schedulerLeader(schedulers);
    from = Date.now();
    await killed.service.stop('SIGKILL');
    await schedulerLeader(schedulers, { excluding: killed.service, timeoutMs: leaseTtlMs * 4 });
    faults.push({
      fault: 'SIGKILL scheduler leader',
      recoveryMs: Date.now() - from,
      until: 'new leader',
    });
    schedulers = [...schedulers.filter((s) => s !== killed.service), await startScheduler(3)];
    const paused = await schedulerLeader(schedulers);
    paused.service.process.kill('SIGSTOP');
    from = Date.now();
    await schedulerLeader(schedulers, { excluding: paused.service, timeoutMs: leaseTtlMs * 4 });
    faults.push({
      fault: 'SIGSTOP scheduler leader',
      recoveryMs: Date.now() - from,
      until: 'new leader',
    });
    await sleep(leaseTtlMs);
    paused.service.process.kill('SIGCONT');

    // The store crashes and stays down for 2 s.
    const answeredBefore = load.attempts.length;
    from = Date.now();
    await restartStore(2_000);
    await eventually(
      'a comment accepted after the store restart',
      () => load.attempts.slice(answeredBefore).some((a) => a.status === 201),
      120_000,
    );
    faults.push({
      fault: 'store SIGKILLed, down 2 s',
      recoveryMs: Date.now() - from,
      until: 'next comment accepted',
    });

    // All three consumers crash at once.
    from = Date.now();
    await Promise.all(consumers.map((service) => system.restart(service, 'SIGKILL')));
    faults.push({
      fault: 'SIGKILL all 3 consumers at once',
      recoveryMs: Date.now() - from,
      until: 'all ready again',
    });
    await sleep(3_000);
    const attempts = await load.stop();
    const seconds = Math.round((Date.now() - loadStarted) / 1_000);

    // Settle: everything the API stored must reach every consumer; then look for doubles.
    const [apiStore, notifierStore, activityStore] = await Promise.all([
      connectMongo(system.mongoUrl('api'), 'chaos'),
      connectMongo(system.mongoUrl('notifier'), 'chaos'),
      connectMongo(system.mongoUrl('activity'), 'chaos'),
    ]);
    const comments: StoredComment[] = await storedComments(apiStore.db, taskId);
    const tallies = async () => [
      mailTally(smtp.messages, comments, members),
      await notificationTally(notifierStore.db, comments, members),
      await feedTally(activityStore.db, comments),
    ];
    await eventually(
      'every side effect of every stored comment',
      async () => (await tallies()).every((t) => t.missing.length === 0),
      240_000,
    ).catch(() => undefined); // the assertions below say what is missing
    await sleep(3_000);
    const final = await tallies();

    const schedulerCrashes = schedulers.filter((s) => s.process.exitCode !== null);
    for (const s of schedulers) await s.stop('SIGTERM');
    const { slots, span: expectedSlots } = await heartbeats.settle();

    const dead = await deadLetters();
    const isPoison = (body: string) => body.includes(namespace);
    const answered: Record<string, number> = {};
    for (const a of attempts) answered[a.status] = (answered[a.status] ?? 0) + 1;
    console.info(
      chaosSummary({
        seconds,
        attempted: attempts.length,
        answered,
        stored: comments.length,
        tallies: final,
        faults,
        deadLetters: Object.fromEntries(
          Object.entries(dead).map(([service, list]) => [
            service,
            {
              poison: list.filter((d) => isPoison(d.body)).length,
              other: list.filter((d) => !isPoison(d.body)).length,
            },
          ]),
        ),
        slots: {
          fired: slots.length,
          gaps: expectedSlots - slots.length,
          doubled: [...heartbeats.effects.values()].filter((n) => n > 1).length,
        },
      }),
    );

    // Every comment the API acknowledged was stored; every stored one had all its effects, once.
    const storedMarkers = new Set(comments.map((c) => c.marker));
    expect(attempts.filter((a) => a.status === 201 && !storedMarkers.has(a.marker))).toEqual([]);
    expect(attempts.filter((a) => a.status === 201).length).toBeGreaterThan(
      seconds * perSecond * 0.3,
    );
    for (const t of final) {
      expect({ effect: t.effect, missing: t.missing, doubled: t.doubled }).toEqual({
        effect: t.effect,
        missing: [],
        doubled: [],
      });
      expect(t.found).toBe(t.expected);
    }
    // Every poison message is in every consumer's DLQ with its reason, and nothing else is.
    for (const [service, list] of Object.entries(dead)) {
      expect(
        list.filter((d) => !isPoison(d.body)),
        service,
      ).toEqual([]);
      for (const p of poison) {
        const entry = list.find((d) => d.body === p.body.toString('utf8'));
        expect(entry?.error, `${service}: ${p.kind}`).toMatch(p.reason);
      }
      expect(list).toHaveLength(poison.length);
    }
    // Each scheduled slot reached the consumer once, none skipped, through both failovers.
    expect(slots).toHaveLength(expectedSlots);
    expect([...heartbeats.effects.values()].every((n) => n === 1)).toBe(true);
    // Nothing exited unless the test killed it.
    expect(system.unexpectedExits()).toEqual([]);
    expect(schedulerCrashes.map((s) => s.output())).toEqual([]);
    await Promise.all([apiStore, notifierStore, activityStore].map((s) => s.client.close()));
  },
);
