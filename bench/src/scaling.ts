// Cost growth: the Herald pipeline at 1x, 4x and 16x the messages (does the per-message cost stay
// flat?), and one queue drained by 1, 2 and 4 consumer replicas, each a process with its own
// BrokerConnection (does throughput grow with replicas?).
import {
  Tally,
  budgetMs,
  cpuPerMessage,
  interleave,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
  type Row,
} from './harness.js';
import {
  PREFETCH,
  WINDOW,
  bareConnect,
  benchTopology,
  declareBenchTopology,
  openPublisher,
  timedPipeline,
} from './herald.js';
import { MESSAGE_BYTES } from './payload.js';
import { benchNamespace } from './resources.js';
import type { ConsumerJob, PipelineJob } from './workers/protocol.js';
import { forkWorker, type Worker } from './workers/spawn.js';

const MULTIPLES = [1, 4, 16] as const;
const REPLICAS = [1, 2, 4] as const;

export const scalingBenchmark: Benchmark = {
  name: 'scaling',
  title: 'Scaling: message volume (1x/4x/16x) and consumer replicas (1/2/4)',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const url = ctx.servers.rabbitmq;
    const namespace = benchNamespace(ctx, 'scaling');
    const base = ctx.count(2_000);
    const replicaCount = ctx.count(8_000);
    const warm = Math.max(100, Math.min(base, 1_000));

    // --- volume: one process per run (publisher + consumer), warmed up before the clock starts.
    const volume = (multiple: number) => async (): Promise<Measurement> => {
      const job: PipelineJob = {
        kind: 'pipeline',
        url,
        namespace,
        queue: 'volume',
        count: base * multiple,
        warmup: warm,
        logLevel: 'silent',
      };
      const worker = forkWorker('pipeline-worker.ts', job);
      try {
        const result = await worker.next('result', budgetMs(job.count + warm) + 30_000);
        return { msgs: result.msgs, seconds: result.seconds, cpuMs: result.cpuMs };
      } finally {
        await worker.stop();
      }
    };
    const volumeName = (m: number) => `${m}x volume (${base * m} msgs), 1 consumer`;
    const volumeResults = await interleave(
      ctx,
      'scaling',
      MULTIPLES.map((m) => ({ name: volumeName(m), run: volume(m) })),
      { warmup: false },
    );

    // --- replicas: consumers in processes of their own, the publisher here.
    // Declared once up front, so replicas starting together never race to create the queue.
    const admin = await bareConnect(url, `${namespace}admin`);
    try {
      await declareBenchTopology(admin, benchTopology(namespace, 'replicas'));
    } finally {
      await admin.close();
    }
    const publisher = await openPublisher(url, namespace);
    ctx.defer('close scaling publisher', () => publisher.close());
    const replicas = (count: number) => async (): Promise<Measurement> => {
      const workers: Worker[] = [];
      const consumed = new Tally();
      try {
        for (let i = 0; i < count; i++) {
          const job: ConsumerJob = {
            kind: 'consumer',
            url,
            namespace,
            queue: 'replicas',
            name: `${namespace}replica-${i}`,
          };
          const worker = forkWorker('consumer-worker.ts', job);
          let seen = 0;
          worker.onMessage((message) => {
            if (message.type === 'progress' && message.acked > seen) {
              consumed.add(message.acked - seen);
              seen = message.acked;
            } else if (message.type === 'error') {
              consumed.fail(new Error(message.message));
            }
          });
          workers.push(worker);
        }
        await Promise.all(workers.map((w) => w.next('ready', 60_000)));
        const run = (n: number, what: string) =>
          timedPipeline({ publisher: publisher.publisher, consumed, count: n, what });
        await run(warm, `${count} replicas warm-up`);
        const measured = await run(replicaCount, `${count} replicas`);
        const totals = await Promise.all(
          workers.map((w) => {
            const result = w.next('result', 30_000);
            w.send({ type: 'stop' });
            return result;
          }),
        );
        const cpuMs = totals.reduce((sum, t) => sum + t.cpuMs, 0);
        // Replica CPU covers warm-up and measured messages alike; spread it over both.
        const share = replicaCount / (replicaCount + warm);
        return { msgs: measured.msgs, seconds: measured.seconds, cpuMs: cpuMs * share };
      } finally {
        for (const w of workers) w.send({ type: 'stop' });
        await Promise.all(workers.map((w) => w.stop()));
      }
    };
    const replicaName = (r: number) =>
      `${r} consumer replica${r > 1 ? 's' : ''} (${replicaCount} msgs)`;
    const replicaResults = await interleave(
      ctx,
      'scaling',
      REPLICAS.map((r) => ({ name: replicaName(r), run: replicas(r) })),
      { warmup: false },
    );

    const costNote = (ms: readonly Measurement[]) => {
      const row = summarise('', ms);
      const wall = (1e6 / row.median).toFixed(0);
      return `${wall} µs/msg wall, Node CPU ${cpuPerMessage(ms)?.toFixed(0)} µs/msg`;
    };
    const rowsFor = (
      names: readonly string[],
      results: Map<string, Measurement[]>,
      label: string,
    ): Row[] => {
      const first = results.get(names[0] ?? '') ?? [];
      return names.map((name, i) => {
        const ms = results.get(name) ?? [];
        return summarise(name, ms, {
          ...(i === 0 ? {} : { baseline: first }),
          note: `${costNote(ms)}${i === 0 ? `; baseline of the ${label} rows` : ''}`,
        });
      });
    };
    return {
      name: 'scaling',
      title: scalingBenchmark.title,
      method:
        `Herald publish+consume of persistent ${MESSAGE_BYTES}-byte events on quorum queues, ${WINDOW} publishes ` +
        `in flight, prefetch ${PREFETCH}. Volume rows: one node process per run (publisher and consumer, ` +
        `${warm} warm-up messages first) at ${MULTIPLES.join('/')}x ${base} messages; ratio = msg/s vs 1x, so ` +
        `1.00 means a flat per-message cost. Replica rows: one publisher in the benchmark process and 1/2/4 ` +
        `consumer processes, each with its own BrokerConnection, on one queue; ratio = msg/s vs 1 replica.`,
      rows: [
        ...rowsFor(MULTIPLES.map(volumeName), volumeResults, 'volume'),
        ...rowsFor(REPLICAS.map(replicaName), replicaResults, 'replica'),
      ],
      notes: [
        'Node CPU for the volume rows is the whole pipeline process (publish and consume); for the replica ' +
          'rows it is the sum over the consumer processes (the publisher is not included).',
        "Replicas share this machine's cores with the publisher and the broker: with few cores, more replicas " +
          'cannot add throughput once the CPU is saturated.',
      ],
    };
  },
};
