// End to end against the seed's design: comments posted at saturation, each making the same three
// effects (an e-mail to the mentioned member over SMTP, their notification, a feed entry), through
// BullMQ workers on Redis in the seed's one process, and through Herald's services at one replica
// each and at the Helm chart's shape (api, mailer, notifier and activity at two replicas each).
// Throughput is comments whose three effects are all done, per second, from the first POST.
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Db } from 'mongodb';
import {
  freePort,
  mongoUrlForTest,
  startSmtpServer,
  startSystem,
  testKeys,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';
import {
  budgetMs,
  interleave,
  met,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import { answersFirst, processCpuMs, saturate, type PostRequest } from './http-load.js';
import {
  commentBody,
  dropServiceDatabasesLater,
  serviceEnv,
  setUpWorkspace,
  type BenchWorkspace,
} from './product.js';
import { fmtRatio } from './report.js';
import { benchNamespace, dropDatabaseLater } from './resources.js';
import { clearSeedQueues, seedPrefix } from './seed-design.js';
import { forkWorker } from './workers/spawn.js';

/** Issue 14: Herald at least 1.5x the seed's end-to-end throughput. */
const TARGET = 1.5;
const CONNECTIONS = 32;
const SERVICES = ['mailer', 'notifier', 'activity', 'api'] as const;

/** Where one design's effects are counted: e-mails on the SMTP server, documents in the stores. */
interface EffectCounts {
  mails(): number;
  notifications(): Promise<number>;
  feed(): Promise<number>;
}

function effectCounts(
  smtp: TestSmtpServer,
  notifications: Db,
  feed: Db,
  names: {
    readonly notifications: string;
    readonly feed: string;
  },
): EffectCounts {
  return {
    mails: () => smtp.messages.length,
    notifications: () => notifications.collection(names.notifications).estimatedDocumentCount(),
    feed: () => feed.collection(names.feed).estimatedDocumentCount(),
  };
}

/**
 * `connections` clients POST comments to the API(s) for `seconds` (split evenly across them),
 * then waits until every answered comment's three effects exist. Returns the comments and the
 * seconds from the first POST to the last effect seen (polled every 100 ms).
 */
async function postAndSettle(
  requests: readonly PostRequest[],
  counts: EffectCounts,
  seconds: number,
): Promise<Measurement> {
  const before = {
    mails: counts.mails(),
    notifications: await counts.notifications(),
    feed: await counts.feed(),
  };
  const started = performance.now();
  const loads = await Promise.all(
    requests.map((request) =>
      saturate(request, {
        connections: Math.max(1, Math.round(CONNECTIONS / requests.length)),
        seconds,
        status: 201,
      }),
    ),
  );
  const posted = loads.reduce((sum, m) => sum + m.msgs, 0);
  const deadline = performance.now() + budgetMs(posted);
  for (;;) {
    const done = [
      counts.mails() - before.mails,
      (await counts.notifications()) - before.notifications,
      (await counts.feed()) - before.feed,
    ];
    if (done.every((n) => n >= posted)) break;
    if (performance.now() > deadline) {
      throw new Error(`effects after ${budgetMs(posted)} ms: ${done.join(' / ')} of ${posted}`);
    }
    await sleep(100);
  }
  return { msgs: posted, seconds: (performance.now() - started) / 1_000 };
}

export const e2eBenchmark: Benchmark = {
  name: 'e2e',
  title: "End to end: three effects per comment, Herald's services vs the seed's design (BullMQ)",
  async run(ctx: BenchContext): Promise<BenchResult> {
    const smtp = await startSmtpServer();
    ctx.defer('stop the SMTP server', () => smtp.close());
    const env = serviceEnv(smtp);
    const namespace = benchNamespace(ctx, 'e2e');
    dropServiceDatabasesLater(ctx, namespace, SERVICES);
    let workspace: BenchWorkspace;
    {
      const setup = await startSystem({ namespace, services: SERVICES, env });
      try {
        const api = setup.services.api;
        if (!api) throw new Error('the api did not start');
        workspace = await setUpWorkspace(api.url, smtp);
      } finally {
        await setup.stop();
      }
    }
    const clients: MongoClient[] = [];
    ctx.defer('close the store clients', () => Promise.all(clients.map((c) => c.close())));
    const database = async (url: string) => {
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
      await client.connect();
      clients.push(client);
      return client.db();
    };
    const dbOf = (service: string) => database(mongoUrlForTest(`${namespace}${service}`));
    const herald = effectCounts(smtp, await dbOf('notifier'), await dbOf('activity'), {
      notifications: 'notifications',
      feed: 'feed',
    });

    // The seed: one process for its route and its workers, reading the state Herald's API wrote.
    const redisUrl = new URL(ctx.servers.redis);
    const redis = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
    const prefix = seedPrefix(namespace);
    const seedDbUrl = mongoUrlForTest(`${namespace}seed`);
    dropDatabaseLater(ctx, seedDbUrl);
    ctx.defer("remove the seed design's queues", () => clearSeedQueues(redis, prefix));
    const seedDb = await database(seedDbUrl);
    const seedPort = await freePort();
    const seed = forkWorker('seed-app.ts', {
      kind: 'seed',
      port: seedPort,
      readUrl: mongoUrlForTest(`${namespace}api`),
      writeUrl: seedDbUrl,
      redisUrl: ctx.servers.redis,
      prefix,
      publicKeyPem: testKeys.publicKeyPem,
      smtpUrl: smtp.url,
    });
    ctx.defer('stop the seed design', async () => {
      seed.send({ type: 'stop' });
      await seed.stop();
    });
    await seed.next('ready', 60_000);
    const seedPid = seed.child.pid;
    if (!seedPid) throw new Error('the seed design has no pid');
    const seedCounts = effectCounts(smtp, seedDb, seedDb, {
      notifications: 'notifications',
      feed: 'activity',
    });

    const path = `/tasks/${workspace.taskId}/comments`;
    const body = JSON.stringify({ body: commentBody(workspace.member) });
    const requestTo = async (origin: string): Promise<PostRequest> => ({
      origin,
      path,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await workspace.author.token()}`,
      },
      body,
    });
    const seconds = Math.max(3, 8 * ctx.scale);
    const warmSeconds = 2;

    const seedRound = async (): Promise<Measurement> => {
      const request = await requestTo(`http://127.0.0.1:${seedPort}`);
      await postAndSettle([request], seedCounts, warmSeconds);
      const cpu = await processCpuMs(seedPid);
      const m = await postAndSettle([request], seedCounts, seconds);
      return { ...m, cpuMs: (await processCpuMs(seedPid)) - cpu };
    };

    // Herald runs only during its own rounds: one replica of each service for the first row, then
    // a second system on the same namespace beside it (the same queues and databases) for the
    // chart's shape; both stop after. Fresh processes warm up on an untimed burst first.
    let single: RunningSystem | undefined;
    const heraldCpu = (systems: readonly RunningSystem[]) =>
      Promise.all(
        systems
          .flatMap((s) => SERVICES.flatMap((name) => s.replicas(name)))
          .map((r) => (r.process.pid ? processCpuMs(r.process.pid) : Promise.resolve(0))),
      ).then((ms) => ms.reduce((sum, v) => sum + v, 0));
    const heraldRound = async (systems: readonly RunningSystem[]): Promise<Measurement> => {
      const requests = await Promise.all(
        systems.map((s) => {
          const api = s.services.api;
          if (!api) throw new Error('the api did not start');
          return requestTo(api.url);
        }),
      );
      for (const request of requests) await answersFirst(request, 201);
      await postAndSettle(requests, herald, warmSeconds);
      const cpu = await heraldCpu(systems);
      const m = await postAndSettle(requests, herald, seconds);
      return { ...m, cpuMs: (await heraldCpu(systems)) - cpu };
    };
    const oneEach = async (): Promise<Measurement> => {
      single = await startSystem({ namespace, services: SERVICES, env });
      return heraldRound([single]);
    };
    const chartShape = async (): Promise<Measurement> => {
      const first = single ?? (await startSystem({ namespace, services: SERVICES, env }));
      single = undefined;
      try {
        const second = await startSystem({ namespace, services: SERVICES, env });
        try {
          return await heraldRound([first, second]);
        } finally {
          await second.stop();
        }
      } finally {
        await first.stop();
      }
    };
    ctx.defer('stop Herald', async () => void (await single?.stop()));

    const names = {
      seed: 'seed design: fastify + BullMQ workers, one process',
      one: 'Herald, one replica of each service',
      chart: "Herald at the chart's shape (api, mailer, notifier, activity x2)",
    };
    const results = await interleave(
      ctx,
      'e2e',
      [
        { name: names.seed, run: seedRound },
        { name: names.one, run: oneEach },
        { name: names.chart, run: chartShape },
      ],
      // Every round warms its processes up itself (Herald's are fresh each round).
      { warmup: false },
    );
    const seedRuns = results.get(names.seed) ?? [];
    const oneRuns = results.get(names.one) ?? [];
    const chartRuns = results.get(names.chart) ?? [];
    const cpu = (ms: readonly Measurement[], who: string) => {
      const per = ms.map((m) => ((m.cpuMs ?? 0) * 1_000) / m.msgs).sort((a, b) => a - b);
      return `${who} CPU ${(per[Math.floor(per.length / 2)] ?? NaN).toFixed(0)} µs/comment`;
    };
    const rows = [
      summarise(names.seed, seedRuns, { note: cpu(seedRuns, 'process') }),
      summarise(names.one, oneRuns, {
        baseline: seedRuns,
        target: TARGET,
        note: cpu(oneRuns, 'services'),
      }),
      summarise(names.chart, chartRuns, {
        baseline: seedRuns,
        target: TARGET,
        note:
          `${cpu(chartRuns, 'services')}; ` +
          `${fmtRatio(summarise('', chartRuns, { baseline: oneRuns }).ratio ?? NaN)}x one replica each`,
      }),
    ];
    return {
      name: 'e2e',
      title: e2eBenchmark.title,
      method:
        `Ada's comments @mention Bob; each must end in an e-mail to Bob received over SMTP (one test server ` +
        `in this process for both designs), Bob's notification stored, and a feed entry stored. ${CONNECTIONS} ` +
        `keep-alive connections (autocannon, split evenly over the API replicas) POST for ${seconds} s, then ` +
        `the clock runs until every answered comment's three effects are counted (e-mails on the SMTP ` +
        `server, documents in the notification and feed collections, read every 100 ms); rate = comments ÷ ` +
        `seconds from the first POST. Each round first warms its processes with ${warmSeconds} s of ` +
        `load (untimed). Seed design: bench/src/seed-design.ts in one process (its route and its BullMQ ` +
        `workers: e-mail with pooled SMTP at concurrency 10, notification and feed inserts at 50, as ` +
        `Herald's consumers' prefetch). Herald: the services as processes, started for their rounds only.`,
      rows,
      notes: [
        ...rows
          .filter((r) => r.target !== undefined)
          .map((r) => `${r.variant}: ${met(r) ? 'meets' : 'does NOT meet'} the ${TARGET}x target.`),
        'Not like for like on guarantees: Herald writes the comment and its event in one document (outbox), ' +
          'publishes with confirms to quorum queues, and every consumer dedupes by event id and acks after ' +
          'its effect; the seed writes the comment and then adds the jobs to a Redis without persistence (a ' +
          'crash between the two, or of Redis, loses them) and dedupes nothing.',
        "Both designs share the machine with the broker, the store and Redis; Herald's chart shape runs 8 " +
          'service processes on its 2 cores.',
      ],
    };
  },
};
