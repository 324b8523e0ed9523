// Herald's promises under fire, at the Helm chart's shape: two replicas of the API, mailer,
// notifier and activity service and three schedulers; comments over both APIs; a live stream per
// mentioned member on each notifier replica. Meanwhile replicas crash beside their twins, queues
// are deleted, the broker restarts and is rebuilt empty, the store goes away for minutes, the mail
// server refuses and hangs, poison arrives and the scheduler leader dies. Then count: every stored
// comment has exactly its e-mails, notifications, feed entry and live-stream deliveries.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDeadLetters, sleep } from '@herald/bus';
import { serviceQueue, serviceQueues } from '@herald/contracts';
import { connectMongo } from '@herald/store';
import {
  HeraldClient,
  deleteNamespace,
  deleteQueue,
  eventually,
  queueConsumers,
  queueDepth,
  readiness,
  resetBroker,
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
  expectedStreamIds,
  feedTally,
  mailTally,
  notificationTally,
  storedComments,
  streamTally,
  type StoredComment,
} from './chaos/ledger.js';
import { commentLoad } from './chaos/load.js';
import { poisonMessages, publishPoison } from './chaos/poison.js';
import { chaosSummary, type FaultRecord } from './chaos/report.js';
import { liveStream, type LiveStream } from './chaos/streams.js';
import {
  heartbeatSchedulerEnv,
  startHeartbeatProbe,
  type HeartbeatProbe,
} from './support/heartbeats.js';
import { TestProducer } from './support/producer.js';

const namespace = uniqueNamespace('chaos');
const perSecond = Number(process.env.CHAOS_RATE ?? '2');
/** The store outage: 3 minutes, longer than any consumer's whole retry budget below. */
const storeDownMs = Number(process.env.CHAOS_STORE_DOWN_S ?? '180') * 1_000;
const consumers = ['mailer', 'notifier', 'activity'] as const;
const replicas = { api: 2, mailer: 2, notifier: 2, activity: 2 } as const;
const leaseTtlMs = 3_000;

let smtp: TestSmtpServer;
let system: RunningSystem;
let schedulers: RunningService[] = [];
let heartbeats: HeartbeatProbe;
let producer: TestProducer;
let streams: LiveStream[] = [];
/** RabbitMQ's default `collect_statistics_interval`: how often the management API's counts move. */
const statsIntervalMs = 5_000;

/**
 * Waits until `queues` hold no message, ready or unacked. The management API samples those counts
 * (every 5 s), so a 0 counts once it has outlasted a sample: a stale 0 read while a consumer still
 * held deliveries let the last run delete a queue with 16 unacked messages in it.
 */
async function drained(what: string, queues: readonly string[]): Promise<void> {
  let idleSince: number | undefined;
  let depths: number[] = [];
  await eventually(
    what,
    async () => {
      depths = await Promise.all(queues.map(queueDepth));
      if (depths.some((n) => n !== 0)) {
        idleSince = undefined;
        return false;
      }
      idleSince ??= Date.now();
      return Date.now() - idleSince > statsIntervalMs + 1_000;
    },
    120_000,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (${depths.join(', ')} messages in ${queues.join(', ')})`);
  });
}

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
    replicas,
    env: {
      SMTP_URL: smtp.url,
      // Retries must outlast the SMTP faults (8 s); a store outage pauses consumers instead.
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
  schedulers = await Promise.all([1, 2, 3].map(startScheduler));
}, 300_000);

afterAll(async () => {
  await startBroker(); // whatever failed above, leave a broker behind
  await Promise.all(streams.map((s) => s.stop()));
  for (const s of schedulers) s.process.kill('SIGCONT');
  await Promise.all(schedulers.map((s) => s.stop('SIGKILL')));
  await system?.stop();
  await smtp?.close();
  await producer?.close();
  await heartbeats?.stop();
  await deleteNamespace(namespace);
});

it(
  'loses nothing and doubles nothing at two replicas a service, through crashes, deleted queues, a rebuilt broker, a long store outage, a failing mail server and poison',
  { timeout: 1_200_000 },
  async () => {
    const apis = system.replicas('api');
    const notifiers = system.replicas('notifier');
    const { owner, members, workspaceId } = await workspaceWithMembers(
      new HeraldClient(apis[0]!.url),
      smtp,
      { owner: 'ada', members: ['bob', 'cy'] },
    );
    const { id: taskId } = await owner.api.expect<{ id: string }>(
      201,
      'POST',
      `/workspaces/${workspaceId}/tasks`,
      { title: 'Under fire' },
    );

    // Every mentioned member streams from both notifier replicas; Ada only from the first, and
    // her tab does not come back when that replica dies (presence must forget her).
    streams = members.flatMap((member) =>
      notifiers.map((notifier, i) =>
        liveStream({
          name: `${member.handle}@notifier-${i}`,
          userId: member.id,
          url: notifier.url,
          token: member.session.accessToken,
        }),
      ),
    );
    const adaStream = liveStream({
      name: 'ada@notifier-0',
      userId: owner.id,
      url: notifiers[0]!.url,
      token: owner.session.accessToken,
      reconnect: false,
    });
    streams.push(adaStream);
    await eventually('every stream open', () => streams.every((s) => s.connections > 0), 30_000);
    const presence = async () => {
      const answer = await members[0].api
        .as(members[0].session.accessToken, system.replicas('notifier')[1]!.url)
        .expect<{ members: { userId: string }[] }>(
          200,
          'GET',
          `/workspaces/${workspaceId}/presence`,
        );
      return answer.members.map((m) => m.userId).sort();
    };
    const everyone = [owner.id, ...members.map((m) => m.id)].sort();
    await eventually(
      'presence shows the three streaming members',
      async () => JSON.stringify(await presence()) === JSON.stringify(everyone),
      30_000,
    );

    const faults: FaultRecord[] = [];
    const allReady = () =>
      eventually(
        'every service ready',
        async () => {
          const services = [
            ...Object.keys(replicas).flatMap((s) => system.replicas(s as keyof typeof replicas)),
            ...schedulers,
          ];
          const answers = await Promise.all(
            services.map(async (s) => ({ service: s, ...(await readiness(s)) })),
          );
          const waiting = answers
            .filter((a) => a.status !== 200)
            .map((a) => `${a.service.name} ${a.service.url}: ${a.status} ${a.body}`);
          // Thrown, not returned: on a timeout the message names who was still not ready, and why.
          if (waiting.length > 0) throw new Error(waiting.join('; '));
          return true;
        },
        240_000,
      );
    const load = commentLoad({
      authors: apis.map((api) => owner.api.as(owner.session.accessToken, api.url)),
      taskId,
      mentions: members.map((m) => m.handle),
      perSecond,
    });
    const loadStarted = Date.now();
    await sleep(3_000);

    // One replica of each service crashes while its twin keeps working.
    for (const service of ['api', ...consumers] as const) {
      const recoveryMs = await system.restart(service, 'SIGKILL', 0);
      faults.push({
        fault: `SIGKILL ${service} replica 1 of 2, restart`,
        recoveryMs,
        until: 'ready again',
      });
      if (service === 'notifier') {
        const from = Date.now();
        const withoutAda = everyone.filter((id) => id !== owner.id);
        await eventually(
          'presence without the dead replica',
          async () => JSON.stringify(await presence()) === JSON.stringify(withoutAda),
          60_000,
        );
        faults.push({
          fault: 'notifier replica died: its streams leave presence',
          recoveryMs: Date.now() - from,
          until: 'presence right',
        });
      }
      await sleep(2_000);
    }

    // An operator deletes each consumer's queue. A queue's messages go with it, and what is routed
    // to it before its consumers declare it again reaches the other consumers only: RabbitMQ's
    // semantics, no client can change them. So comments pause while it is gone (see README).
    for (const service of consumers) {
      const queue = serviceQueue(service, { namespace }).queue;
      await load.pause();
      await drained(`${queue} idle`, [queue]);
      const from = Date.now();
      await deleteQueue(queue);
      await eventually(
        `${service}: the queue back with both replicas consuming`,
        async () => (await queueConsumers(queue)) === replicas[service],
        120_000,
      );
      faults.push({
        fault: `${service} queue deleted`,
        recoveryMs: Date.now() - from,
        until: 'both consume again',
      });
      load.resume();
    }

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

    // The broker is rebuilt empty while the outbox holds writes it could not publish. Its queues
    // are drained first: a reset deletes what they hold, which no client could prevent.
    await load.pause();
    const everyQueue = consumers.flatMap((service) =>
      serviceQueues(service, { namespace }).flatMap((topology) => [
        topology.queue,
        ...topology.waitQueues.map((w) => w.name),
      ]),
    );
    await drained('every queue drained', everyQueue);
    // The probe is no consumer the contract knows, so nothing can wait for its queue: heartbeats
    // due from the stop until it declares it again are published (late, by catch-up) before the
    // probe's queue exists and reach the services' queues only (not counted as missing).
    const probeGone = { from: Date.now(), until: 0 };
    await stopBroker();
    load.resume();
    await sleep(5_000);
    const backlog = load.attempts.length;
    from = Date.now();
    await resetBroker();
    await eventually('the probe consuming again', () => heartbeats.consuming(), 120_000);
    probeGone.until = Date.now();
    await allReady();
    faults.push({
      fault: 'RabbitMQ rebuilt empty, outbox backlog waiting',
      recoveryMs: Date.now() - from,
      until: 'every service ready',
    });

    // Poison straight onto the exchange: each of the three comment.created consumers gets all of it.
    const poison = poisonMessages(namespace);
    const poisonedAt = Date.now();
    await eventually('producer connected', () => producer.connection.current !== undefined);
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
      fault: 'SIGKILL scheduler leader (1 of 3)',
      recoveryMs: Date.now() - from,
      until: 'new leader',
    });
    schedulers = [...schedulers.filter((s) => s !== killed.service), await startScheduler(4)];
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

    // The store crashes and stays down for minutes: consumers pause instead of dead-lettering.
    const answeredBefore = load.attempts.length;
    from = Date.now();
    await restartStore(storeDownMs);
    await eventually(
      'a comment accepted after the store came back',
      () => load.attempts.slice(answeredBefore).some((a) => a.status === 201),
      120_000,
    );
    await allReady();
    faults.push({
      fault: `store SIGKILLed, down ${storeDownMs / 1_000} s`,
      recoveryMs: Date.now() - from - storeDownMs,
      until: 'every service ready (after it was back)',
    });

    // Every replica of the three consumers crashes at once.
    from = Date.now();
    await Promise.all(
      consumers.flatMap((service) =>
        system.replicas(service).map((_, i) => system.restart(service, 'SIGKILL', i)),
      ),
    );
    faults.push({
      fault: `SIGKILL all ${consumers.length * 2} consumer replicas at once`,
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
    const effectTallies = async () => [
      mailTally(smtp.messages, comments, members),
      await notificationTally(notifierStore.db, comments, members),
      await feedTally(activityStore.db, comments),
    ];
    await eventually(
      'every side effect of every stored comment',
      async () => (await effectTallies()).every((t) => t.missing.length === 0),
      300_000,
    ).catch(() => undefined); // the assertions below say what is missing
    await sleep(3_000);
    // A stream that may have missed something gets it on its next reconnect with Last-Event-ID.
    const memberStreams = streams.filter((s) => s !== adaStream);
    const owed = new Map<string, string[]>();
    for (const member of members) {
      owed.set(member.id, await expectedStreamIds(notifierStore.db, comments, member.id));
    }
    await Promise.all(memberStreams.map((s) => s.settle(owed.get(s.userId)!, 60_000)));
    const final = [
      ...(await effectTallies()),
      ...memberStreams.map((s) => streamTally(owed.get(s.userId)!, s)),
    ];

    const schedulerCrashes = schedulers.filter((s) => s.process.exitCode !== null);
    for (const s of schedulers) await s.stop('SIGTERM');
    const { slots, skipped } = await heartbeats.settle();
    const whileProbeGone = (slot: string) =>
      Date.parse(slot) >= probeGone.from - 1_000 && Date.parse(slot) <= probeGone.until + 1_000;

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
          gaps: skipped.filter((slot) => !whileProbeGone(slot)).length,
          probeGone: skipped.filter(whileProbeGone).length,
          doubled: [...heartbeats.effects.values()].filter((n) => n > 1).length,
        },
      }),
    );
    console.info(
      `live streams: ${memberStreams.map((s) => `${s.name} ${s.connections} connections`).join(', ')}; ` +
        `${attempts.length - backlog} comments posted after the broker was rebuilt`,
    );

    // Every comment the API acknowledged was stored; every stored one had all its effects, once.
    const storedMarkers = new Set(comments.map((c) => c.marker));
    expect(attempts.filter((a) => a.status === 201 && !storedMarkers.has(a.marker))).toEqual([]);
    expect(attempts.filter((a) => a.status === 201).length).toBeGreaterThan(
      ((seconds - storeDownMs / 1_000) * perSecond) / 4,
    );
    for (const t of final) {
      expect({ effect: t.effect, missing: t.missing, doubled: t.doubled }).toEqual({
        effect: t.effect,
        missing: [],
        doubled: [],
      });
      expect(t.found).toBe(t.expected);
    }
    // No stream was told it missed more than the server would replay.
    expect(memberStreams.flatMap((s) => s.missed)).toEqual([]);
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
    // Each scheduled slot reached the consumer once, none skipped, through every failover.
    expect(skipped.filter((slot) => !whileProbeGone(slot))).toEqual([]);
    expect([...heartbeats.effects.values()].every((n) => n === 1)).toBe(true);
    // Nothing exited unless the test killed it.
    expect(system.unexpectedExits()).toEqual([]);
    expect(schedulerCrashes.map((s) => s.output())).toEqual([]);
    await Promise.all([apiStore, notifierStore, activityStore].map((s) => s.client.close()));
  },
);
