// The design Herald replaces: the same work as BullMQ jobs (Queue + Worker on the local Redis)
// against Herald events (Publisher + Consumer on RabbitMQ), first with a no-op handler, then with a
// handler that writes one document to MongoDB.
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Collection } from 'mongodb';
import type { Handler } from '@herald/bus';
import { isDuplicateKey } from '@herald/store';
import {
  Tally,
  budgetMs,
  cpuPerMessage,
  interleave,
  summarise,
  windowed,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import { PREFETCH, WINDOW, runPipeline, type BenchEvent } from './herald.js';
import { EVENT_TYPE, MESSAGE_BYTES, commentEvent } from './payload.js';
import { benchDatabase, benchNamespace } from './resources.js';

interface WorkDoc {
  _id: string;
  type: string;
  taskId: string;
  at: Date;
}

type JobData = ReturnType<typeof commentEvent>;

/** The work both designs do per message. */
type Work = 'no-op' | 'one MongoDB insert';

export const bullmqBenchmark: Benchmark = {
  name: 'bullmq',
  title: 'BullMQ on Redis (the design Herald replaces) vs Herald on RabbitMQ',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const namespace = benchNamespace(ctx, 'bullmq');
    const { db } = await benchDatabase(ctx, namespace);
    const redis = new URL(ctx.servers.redis);
    const connection = { host: redis.hostname, port: Number(redis.port || 6379) };
    const prefix = 'herald-bench';
    const queueName = `${namespace}jobs`;
    const queue = new Queue<JobData>(queueName, { connection, prefix });
    ctx.defer(`obliterate BullMQ queue ${queueName}`, async () => {
      try {
        await queue.obliterate({ force: true });
      } finally {
        await queue.close();
      }
    });
    await queue.waitUntilReady();
    const n = ctx.count(10_000);
    const warm = Math.max(100, Math.round(n / 5));
    const template = commentEvent();
    const documents = db.collection<WorkDoc>('work');
    /** Inserts that found their document already written, per design. */
    const duplicates = { BullMQ: 0, Herald: 0 };

    const bull =
      (work: Work) =>
      async (round: number): Promise<Measurement> => {
        const count = round === 0 ? warm : n;
        const done = new Tally();
        const worker = new Worker<JobData>(
          queueName,
          async (job) => {
            if (work === 'one MongoDB insert' && (await insertWork(documents, job.data))) {
              duplicates.BullMQ++;
            }
          },
          {
            connection: { ...connection, maxRetriesPerRequest: null },
            prefix,
            concurrency: PREFETCH,
          },
        );
        worker.on('completed', () => done.add());
        worker.on('failed', (_job, error) => done.fail(error));
        worker.on('error', (error) => done.fail(error));
        try {
          await worker.waitUntilReady();
          const cpu = process.cpuUsage();
          const started = performance.now();
          await windowed(count, WINDOW, () =>
            queue.add(EVENT_TYPE, { ...template, id: randomUUID() }, { removeOnComplete: true }),
          );
          await done.reach(count, budgetMs(count), `BullMQ ${work}`);
          const seconds = (performance.now() - started) / 1_000;
          const used = process.cpuUsage(cpu);
          return { msgs: count, seconds, cpuMs: (used.user + used.system) / 1_000 };
        } finally {
          await worker.close();
        }
      };

    const herald =
      (work: Work) =>
      (round: number): Promise<Measurement> => {
        const handler: Handler<BenchEvent> =
          work === 'one MongoDB insert'
            ? async (event) => {
                if (await insertWork(documents, event)) duplicates.Herald++;
              }
            : noop;
        return runPipeline({
          url: ctx.servers.rabbitmq,
          namespace,
          queue: work === 'no-op' ? 'noop' : 'mongo',
          count: round === 0 ? warm : n,
          handler,
        });
      };

    const name = (design: 'BullMQ' | 'Herald', work: Work) =>
      design === 'BullMQ'
        ? `BullMQ Queue.add + Worker, ${work}`
        : `Herald publish + consume, ${work}`;
    const pairs: Work[] = ['no-op', 'one MongoDB insert'];
    const results = await interleave(
      ctx,
      'bullmq',
      pairs.flatMap((work) => [
        { name: name('BullMQ', work), run: bull(work) },
        { name: name('Herald', work), run: herald(work) },
      ]),
    );
    const cpu = (ms: readonly Measurement[]) => `Node CPU ${cpuPerMessage(ms)?.toFixed(0)} µs/msg`;
    const rows = pairs.flatMap((work) => {
      const base = results.get(name('BullMQ', work)) ?? [];
      const ours = results.get(name('Herald', work)) ?? [];
      return [
        summarise(name('BullMQ', work), base, { note: cpu(base) }),
        summarise(name('Herald', work), ours, { baseline: base, note: cpu(ours) }),
      ];
    });
    return {
      name: 'bullmq',
      title: bullmqBenchmark.title,
      method:
        `${n} jobs/events of ${MESSAGE_BYTES} bytes per round, produced with ${WINDOW} in flight and handled with ` +
        `concurrency ${PREFETCH} (BullMQ Worker concurrency = Herald prefetch); the clock runs from the first ` +
        `add/publish to the last completed job / acked event. Herald rows show the ratio Herald ÷ BullMQ.`,
      rows,
      notes: [
        'Not like for like on durability: Redis runs here without persistence (--save "" --appendonly no), ' +
          'so a Redis crash loses every queued job; RabbitMQ writes every persistent message to a quorum ' +
          "queue's log before confirming it. BullMQ jobs use removeOnComplete: true (its recommended setting).",
        'Herald also validates every event against its zod schema on both sides; BullMQ does no validation.',
        'The MongoDB writes go to the same MongoDB-wire store (FerretDB here) for both designs.',
        `Inserts that found their document already there (counted as done, as an idempotent handler ` +
          `would): BullMQ ${duplicates.BullMQ}, Herald ${duplicates.Herald}.`,
      ],
    };
  },
};

const noop: Handler<BenchEvent> = async () => undefined;

/**
 * Inserts one document keyed by the event id, idempotently as every Herald handler is: a duplicate
 * key means an earlier try already wrote it (a redelivery, or the driver retrying an insert the
 * store had applied). Returns whether it was one.
 */
async function insertWork(
  documents: Collection<WorkDoc>,
  event: { readonly id: string; readonly type: string; readonly data: { readonly taskId: string } },
): Promise<boolean> {
  try {
    await documents.insertOne({
      _id: event.id,
      type: event.type,
      taskId: event.data.taskId,
      at: new Date(),
    });
    return false;
  } catch (error) {
    if (isDuplicateKey(error)) return true;
    throw error;
  }
}
