// The API's comment endpoint against the seed's design (the same route as a fastify handler that
// queues three BullMQ jobs on Redis) and, for reference, a bare fastify POST, all on the same
// machine and store: requests per second at saturation (fixed concurrency, closed loop), then
// p50/p99 at a fixed open-loop rate below it.
import type { Channel } from 'amqplib';
import { serviceQueue } from '@herald/contracts';
import { freePort, mongoUrlForTest, startSmtpServer, testKeys } from '@herald/testkit';
import {
  cpuPerMessage,
  interleave,
  met,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import { bareConnect, declareBenchTopology } from './herald.js';
import { openPoster, processCpuMs, saturate, type PostRequest } from './http-load.js';
import { summariseLatencies, summariseLatency } from './latency.js';
import { openLoop } from './open-loop.js';
import { commentBody, setUpWorkspace, startBenchSystem, waitForRelay } from './product.js';
import { fmtRatio } from './report.js';
import { benchNamespace, dropDatabaseLater } from './resources.js';
import { clearSeedQueues, seedPrefix } from './seed-design.js';
import { forkWorker } from './workers/spawn.js';

/** Issue 14: Herald's comment endpoint at least as fast as the seed's. */
const TARGET = 1.0;
/** Clients in the saturation rounds: enough to keep both servers busy, the same for both. */
const CONNECTIONS = 32;
/**
 * Requests per second of the latency rounds: about half of what the API sustains on this 2-core
 * machine with FerretDB (~50 req/s), so p99 shows the work rather than a queue. The 200 req/s first
 * suggested is four times that: every request would wait behind the ones before it.
 */
const RATE = 25;

/** The queues `comment.created` is routed to in production, one per consuming service. */
const CONSUMERS = ['mailer', 'notifier', 'activity'] as const;

export const apiBenchmark: Benchmark = {
  name: 'api',
  title:
    "API: POST /tasks/:id/comments vs the seed's design (fastify + BullMQ) and a bare fastify POST",
  async run(ctx: BenchContext): Promise<BenchResult> {
    const namespace = benchNamespace(ctx, 'api');
    const smtp = await startSmtpServer();
    ctx.defer('stop the SMTP server', () => smtp.close());
    // The mailer only delivers the invite that makes Bob a member (mentions resolve to members);
    // it is stopped before anything is measured. See the notes for why no consumer runs.
    const system = await startBenchSystem(ctx, { namespace, services: ['mailer', 'api'], smtp });
    const api = system.services.api;
    if (!api?.process.pid) throw new Error('the api did not start');
    const apiPid = api.process.pid;
    const workspace = await setUpWorkspace(api.url, smtp);
    await system.services.mailer?.stop();

    // The consumers' queues exist (the mailer declared its own), so every comment.created is routed
    // to three quorum queues and the broker does production's work; they are emptied every round.
    const admin = await bareConnect(ctx.servers.rabbitmq, `${namespace}admin`);
    ctx.defer('close the admin connection', () => admin.close());
    for (const service of CONSUMERS) {
      await declareBenchTopology(admin, serviceQueue(service, { namespace }));
    }
    const channel = await admin.createChannel();
    const queues = CONSUMERS.map((s) => serviceQueue(s, { namespace }).queue);

    const port = await freePort();
    const bare = forkWorker('bare-fastify.ts', { kind: 'fastify', port });
    ctx.defer('stop the bare fastify server', async () => {
      bare.send({ type: 'stop' });
      await bare.stop();
    });
    await bare.next('ready', 60_000);
    const barePid = bare.child.pid;
    if (!barePid) throw new Error('the bare fastify server has no pid');

    // The seed's design reads the documents the API wrote and writes to a database of its own.
    const redisUrl = new URL(ctx.servers.redis);
    const redis = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
    const prefix = seedPrefix(namespace);
    const seedDb = mongoUrlForTest(`${namespace}seed`);
    dropDatabaseLater(ctx, seedDb);
    ctx.defer("remove the seed design's queues", () => clearSeedQueues(redis, prefix));
    const seedPort = await freePort();
    const seed = forkWorker('seed-app.ts', {
      kind: 'seed',
      port: seedPort,
      readUrl: system.mongoUrl('api'),
      writeUrl: seedDb,
      redisUrl: ctx.servers.redis,
      prefix,
      publicKeyPem: testKeys.publicKeyPem,
    });
    ctx.defer('stop the seed design', async () => {
      seed.send({ type: 'stop' });
      await seed.stop();
    });
    await seed.next('ready', 60_000);
    const seedPid = seed.child.pid;
    if (!seedPid) throw new Error('the seed design has no pid');

    const path = `/tasks/${workspace.taskId}/comments`;
    const body = JSON.stringify({ body: commentBody(workspace.member) });
    /** The same request to every server: the bare one ignores the token it is sent. */
    const request = async (origin: string): Promise<PostRequest> => ({
      origin,
      path,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await workspace.author.token()}`,
      },
      body,
    });
    const targets = {
      bare: { origin: `http://127.0.0.1:${port}`, pid: barePid },
      seed: { origin: `http://127.0.0.1:${seedPort}`, pid: seedPid },
      api: { origin: api.url, pid: apiPid },
    };

    const drains: number[] = [];
    /** After an API round (untimed): its events all published, then the queues emptied. */
    const drainOutbox = async (posted: number) => {
      drains.push(await waitForRelay(channel, queues[1] ?? '', posted));
      await purge(channel, queues);
    };

    const seconds = Math.max(2, 10 * ctx.scale);
    const saturation =
      (server: keyof typeof targets) =>
      async (round: number): Promise<Measurement> => {
        const { origin, pid } = targets[server];
        const cpu = await processCpuMs(pid);
        const m = await saturate(await request(origin), {
          connections: CONNECTIONS,
          seconds: round === 0 ? Math.max(2, seconds / 5) : seconds,
          status: 201,
        });
        // The API's CPU includes publishing the round's events from the outbox.
        if (server === 'api') await drainOutbox(m.msgs);
        if (server === 'seed') await clearSeedQueues(redis, prefix);
        return { ...m, cpuMs: (await processCpuMs(pid)) - cpu };
      };

    const count = ctx.count(RATE * 12, 100);
    let maxLagMs = 0;
    const posters = {
      bare: openPoster(targets.bare.origin, 64),
      seed: openPoster(targets.seed.origin, 64),
      api: openPoster(targets.api.origin, 64),
    };
    ctx.defer('close the HTTP clients', () =>
      Promise.all(Object.values(posters).map((p) => p.close())),
    );
    const fixedRate =
      (server: keyof typeof targets) =>
      async (round: number): Promise<Measurement> => {
        const n = round === 0 ? Math.max(25, Math.round(count / 5)) : count;
        const { origin } = targets[server];
        const post = await request(origin);
        const run = await openLoop({
          rate: RATE,
          count: n,
          send: () => posters[server].post(post, 201),
        });
        maxLagMs = Math.max(maxLagMs, run.maxStartLagMs);
        if (server === 'api') await drainOutbox(n);
        if (server === 'seed') await clearSeedQueues(redis, prefix);
        return { msgs: n, seconds: run.seconds, latency: summariseLatencies(run.latenciesMs) };
      };

    const names = {
      bare: `bare fastify POST, ${CONNECTIONS} connections`,
      seed: `seed design (fastify + 3 BullMQ adds), ${CONNECTIONS} connections`,
      api: `API POST /tasks/:id/comments, ${CONNECTIONS} connections`,
      bareAt: `bare fastify POST at ${RATE} req/s`,
      seedAt: `seed design at ${RATE} req/s`,
      apiAt: `API POST /tasks/:id/comments at ${RATE} req/s`,
    };
    const throughput = await interleave(ctx, 'api', [
      { name: names.bare, run: saturation('bare') },
      { name: names.seed, run: saturation('seed') },
      { name: names.api, run: saturation('api') },
    ]);
    const latency = await interleave(ctx, 'api', [
      { name: names.bareAt, run: fixedRate('bare') },
      { name: names.seedAt, run: fixedRate('seed') },
      { name: names.apiAt, run: fixedRate('api') },
    ]);

    const bareRuns = throughput.get(names.bare) ?? [];
    const seedRuns = throughput.get(names.seed) ?? [];
    const apiRuns = throughput.get(names.api) ?? [];
    const cpu = (ms: readonly Measurement[]) =>
      `server CPU ${cpuPerMessage(ms)?.toFixed(0)} µs/req; ${ms.map((m) => m.details).join(' / ')}`;
    const vsBare = (ms: readonly Measurement[]) =>
      `${fmtRatio(summarise('', ms, { baseline: bareRuns }).ratio ?? NaN)}x the bare route`;
    const seedRow = summarise(names.seed, seedRuns, {
      baseline: bareRuns,
      note: `ratio vs the bare route; ${cpu(seedRuns)}`,
    });
    const apiRow = summarise(names.api, apiRuns, {
      baseline: seedRuns,
      target: TARGET,
      note: `ratio vs the seed design; ${vsBare(apiRuns)}; ${cpu(apiRuns)}`,
    });
    const bareLatency = latency.get(names.bareAt) ?? [];
    const seedLatency = latency.get(names.seedAt) ?? [];
    const drainNote = drains.length
      ? `the outbox relay finished publishing a round's events up to ${Math.max(...drains).toFixed(1)} s after its last 201 (not timed)`
      : '';
    return {
      name: 'api',
      title: apiBenchmark.title,
      method:
        `The real api service (its own process, started as in production, on the store and the broker) ` +
        `answers Ada's POST /tasks/:id/comments with a ${body.length}-byte JSON body that @mentions Bob, a member: ` +
        `token check, zod validation, task and membership reads, the comment and its comment.created ` +
        `written to the outbox, relayed to the broker. The baseline is the seed's design for the same route ` +
        `(see the notes), sent the same request; for reference, fastify with one POST route that parses JSON ` +
        `and answers 201. Each server is a process of its own with the same Node flags. ` +
        `Throughput: autocannon, ${CONNECTIONS} keep-alive connections, each sending its next request when the ` +
        `last is answered, for ${seconds} s per round. Latency: ${count} requests per round at a fixed ` +
        `${RATE} req/s, open loop (undici; each timed from when it was due, so a server that falls behind is ` +
        `charged for the queue).`,
      rows: [summarise(names.bare, bareRuns, { note: cpu(bareRuns) }), seedRow, apiRow],
      latencyRows: [
        summariseLatency(names.bareAt, RATE, bareLatency),
        summariseLatency(names.seedAt, RATE, seedLatency, {
          baseline: bareLatency,
          note: 'p99 ratio vs the bare route',
        }),
        summariseLatency(names.apiAt, RATE, latency.get(names.apiAt) ?? [], {
          baseline: seedLatency,
          note: 'p99 ratio vs the seed design',
        }),
      ],
      notes: [
        `API vs the seed design: ${met(apiRow) ? 'meets' : 'does NOT meet'} the ${TARGET} target.`,
        "The seed design (bench/src/seed-design.ts, its own process like the API): fastify, the API's own " +
          "token check (@herald/auth), the same reads (task by _id; the caller's membership and the mentioned " +
          "users by handle, in parallel; each mentioned member's membership by _id), one comment insert, " +
          'then three BullMQ Queue.add calls at once (email, notification, activity) on the local Redis. It ' +
          "reads the documents Herald's API wrote and writes to a database of its own on the same store; " +
          'its queues are emptied after each round. Redis runs without persistence.',
        'Only the API runs: no consumer process competes for the 2 cores (on a real deployment they run ' +
          'elsewhere; the fan-out benchmark runs them all). Their queues are declared, so each comment.created ' +
          'is persisted to three quorum queues as in production, and emptied after each round.',
        ...(drainNote ? [drainNote] : []),
        'Server CPU is the server process only (from /proc), over the round plus, for the API, publishing the ' +
          "round's events; the store's and the broker's CPU are not in it. Services log at warn.",
        ...(apiRow.median < RATE * 1.5
          ? [
              `The fixed rate (${RATE} req/s) is close to the API's saturation throughput here ` +
                `(${apiRow.median.toFixed(0)} req/s): its latency rows show queueing, not just the work.`,
            ]
          : []),
        ...(maxLagMs > 20
          ? [
              `The load generator started some requests up to ${maxLagMs.toFixed(0)} ms late (CPU contention); ` +
                'latencies still count from when they were due.',
            ]
          : []),
        ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT
          ? ['OTEL_EXPORTER_OTLP_ENDPOINT was set: the API exported traces during the run.']
          : []),
      ],
    };
  },
};

async function purge(channel: Channel, queues: readonly string[]): Promise<void> {
  for (const queue of queues) await channel.purgeQueue(queue);
}
