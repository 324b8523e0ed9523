// The ceiling: RabbitMQ's own load generator (PerfTest, Java) against the Herald pipeline, same
// broker, same message size, confirm window and prefetch, each on a quorum queue of its own.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  interleave,
  median,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import { PREFETCH, WINDOW, bareConnect, runPipeline } from './herald.js';
import { MESSAGE_BYTES } from './payload.js';
import { benchNamespace } from './resources.js';
import { runCommand } from './workers/spawn.js';

/** PerfTest's summary, plus the per-second samples after its JVM warmed up. */
export interface PerfTestSummary {
  readonly sendingRate: number;
  readonly receivingRate: number;
  /** Mean of the per-second `received` samples, skipping the first `skip` seconds. */
  readonly steadyReceivingRate: number | undefined;
}

/** Parses PerfTest's output (`sending rate avg: N msg/s`, `receiving rate avg: N msg/s`). */
export function parsePerfTest(output: string, skip = 3): PerfTestSummary {
  const avg = (what: string) => {
    const match = new RegExp(`${what} rate avg: (\\d+(?:\\.\\d+)?) msg/s`).exec(output);
    if (!match?.[1]) throw new Error(`PerfTest output has no "${what} rate avg":\n${output}`);
    return Number(match[1]);
  };
  const samples = [...output.matchAll(/time (\d+(?:\.\d+)?) s, .*?received: (\d+) msg\/s/g)]
    .filter((m) => Number(m[1]) > skip)
    .map((m) => Number(m[2]));
  return {
    sendingRate: avg('sending'),
    receivingRate: avg('receiving'),
    steadyReceivingRate:
      samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : undefined,
  };
}

function perfTestJar(dir: string): string {
  const jar = existsSync(dir) ? readdirSync(dir).find((f) => /^perf-test-.*\.jar$/.test(f)) : '';
  if (!jar) {
    throw new Error(`no PerfTest jars in ${dir}: run the benchmark through "npm run bench"`);
  }
  return jar;
}

export const perftestBenchmark: Benchmark = {
  name: 'perftest',
  title: 'Pipeline: Herald publish+consume vs RabbitMQ PerfTest',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const jar = perfTestJar(ctx.perftestDir);
    const url = ctx.servers.rabbitmq;
    const namespace = benchNamespace(ctx, 'perftest');
    const admin = await bareConnect(url, `${namespace}admin`);
    ctx.defer('close admin connection', () => admin.close());
    const adminChannel = await admin.createChannel();
    const n = ctx.count(30_000);
    const seconds = Math.max(5, Math.round(20 * ctx.scale));
    const steady: number[] = [];

    const perftest = async (round: number): Promise<Measurement> => {
      const queue = `${namespace}perftest-r${round}`;
      // prettier-ignore
      const args = [
        '-cp', join(ctx.perftestDir, '*'), 'com.rabbitmq.perf.PerfTest',
        '-x', '1', '-y', '1', '-s', String(MESSAGE_BYTES), '-f', 'persistent',
        '-c', String(WINDOW), '-q', String(PREFETCH), '-A', '50', '-z', String(seconds),
        '--quorum-queue', '-u', queue, '-e', `${namespace}perftest`, '-h', url,
      ];
      const { code, output } = await runCommand('java', args, (seconds + 90) * 1_000);
      // Its queue keeps whatever was sent but not consumed when time ran out: drop it now.
      await adminChannel.deleteQueue(queue);
      if (code !== 0) throw new Error(`PerfTest exited with ${code}:\n${output.slice(-3_000)}`);
      const summary = parsePerfTest(output);
      if (summary.steadyReceivingRate !== undefined) steady.push(summary.steadyReceivingRate);
      return {
        msgs: Math.round(summary.receivingRate * seconds),
        seconds,
        details: String(Math.round(summary.sendingRate)),
      };
    };

    const herald = (round: number): Promise<Measurement> =>
      runPipeline({ url, namespace, queue: 'pipeline', count: round === 0 ? ctx.count(3_000) : n });

    const names = {
      perftest: `RabbitMQ PerfTest (${jar.replace(/\.jar$/, '')})`,
      herald: 'Herald Publisher + Consumer',
    };
    const results = await interleave(ctx, 'perftest', [
      // A fresh JVM every round: nothing to warm up in this process.
      { name: names.perftest, run: perftest, warmup: false },
      { name: names.herald, run: herald },
    ]);
    const base = results.get(names.perftest) ?? [];
    const heraldRow = summarise(names.herald, results.get(names.herald) ?? [], {
      baseline: base,
    });
    const steadyRate = median(steady);
    return {
      name: 'perftest',
      title: perftestBenchmark.title,
      method:
        `PerfTest: 1 producer, 1 consumer, ${MESSAGE_BYTES}-byte persistent messages, ${WINDOW} unconfirmed publishes, ` +
        `prefetch ${PREFETCH}, multi-ack every 50, for ${seconds} s on its own quorum queue; its "receiving rate avg" ` +
        `is the baseline. Herald: ${n} events published (validated, ${WINDOW} in flight) and consumed (validated, ` +
        `prefetch ${PREFETCH}, one ack per message) on a quorum queue, timed from first publish to last ack.`,
      rows: [
        summarise(names.perftest, base, {
          note: `sending rate per round ${base.map((m) => m.details ?? '?').join(' / ')} msg/s`,
        }),
        heraldRow,
      ],
      notes: [
        'PerfTest acks 50 messages at a time (-A50); Herald acks each message after its handler.',
        `PerfTest's average includes its JVM warm-up; its steady-state receive rate (per-second samples after ` +
          `the first 3 s, median over rounds) was ${Math.round(steadyRate)} msg/s, which puts Herald at ` +
          `${(heraldRow.median / steadyRate).toFixed(2)} of it.`,
      ],
    };
  },
};
