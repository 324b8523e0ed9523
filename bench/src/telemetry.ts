// The price of observability: the Herald pipeline with OpenTelemetry tracing (exported over OTLP to
// a local sink) plus pino info logging, against the same pipeline with both off. The SDK patches
// modules as they load, so every run is a process of its own (workers/pipeline-worker.ts).
import { createServer, type Server } from 'node:http';
import {
  budgetMs,
  cpuPerMessage,
  interleave,
  met,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import { MESSAGE_BYTES } from './payload.js';
import { benchNamespace } from './resources.js';
import type { PipelineJob } from './workers/protocol.js';
import { forkWorker } from './workers/spawn.js';

const TARGET = 0.9;
/** Head sampling ratio of the third variant: a common production setting for busy pipelines. */
const SAMPLED = 0.1;

interface Sink {
  readonly endpoint: string;
  /** Requests and bytes received so far, per path (/v1/traces, /v1/logs, ...). */
  readonly received: Map<string, { requests: number; bytes: number }>;
  close(): Promise<void>;
}

/** An OTLP/HTTP endpoint on loopback that accepts every export and throws it away. */
async function startSink(): Promise<Sink> {
  const received = new Map<string, { requests: number; bytes: number }>();
  const server: Server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const seen = received.get(path) ?? { requests: 0, bytes: 0 };
      seen.requests++;
      seen.bytes += bytes;
      received.set(path, seen);
      // An empty protobuf message is a valid (all-accepted) Export*ServiceResponse.
      res.writeHead(req.method === 'POST' ? 200 : 405, {
        'content-type': 'application/x-protobuf',
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const telemetryBenchmark: Benchmark = {
  name: 'telemetry',
  title: 'Telemetry: Herald pipeline with tracing + logging on vs off',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const namespace = benchNamespace(ctx, 'telemetry');
    const sink = await startSink();
    ctx.defer('stop the OTLP sink', () => sink.close());
    const n = ctx.count(20_000);
    const warmup = Math.max(100, Math.round(n / 5));
    let live = true;

    /** `sampleRatio` undefined: tracing off; 1: every trace kept (the SDK default); else head sampling. */
    const variant =
      (sampleRatio: number | undefined) =>
      async (round: number): Promise<Measurement> => {
        const on = sampleRatio !== undefined;
        const before = sink.received.get('/v1/traces')?.requests ?? 0;
        const job: PipelineJob = {
          kind: 'pipeline',
          url: ctx.servers.rabbitmq,
          namespace,
          // A queue per variant: nothing one variant leaves behind is consumed (and traced) by another.
          queue: !on ? 'plain' : sampleRatio < 1 ? 'sampled' : 'traced',
          count: round === 0 ? warmup : n,
          warmup,
          logLevel: on ? 'info' : 'silent',
          ...(on ? { otlpEndpoint: sink.endpoint } : {}),
        };
        // Whatever the SDK reads from the standard OTel environment (logs, metrics) goes to the sink too.
        const env: Record<string, string> = on
          ? {
              OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
              OTEL_SERVICE_NAME: 'herald-bench',
              ...(sampleRatio < 1
                ? {
                    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
                    OTEL_TRACES_SAMPLER_ARG: String(sampleRatio),
                  }
                : {}),
            }
          : {};
        const worker = forkWorker('pipeline-worker.ts', job, env);
        try {
          const result = await worker.next('result', budgetMs(job.count + warmup) + 30_000);
          if (on && result.tracingLive !== true) live = false;
          const exports = (sink.received.get('/v1/traces')?.requests ?? 0) - before;
          return {
            msgs: result.msgs,
            seconds: result.seconds,
            cpuMs: result.cpuMs,
            ...(on ? { details: String(exports) } : {}),
          };
        } finally {
          await worker.stop();
        }
      };

    const names = {
      off: 'tracing + logging off',
      on: 'tracing + logging on (OTLP, pino info)',
      sampled: `same, ${SAMPLED * 100}% of traces sampled`,
    };
    const results = await interleave(
      ctx,
      'telemetry',
      [
        { name: names.off, run: variant(undefined) },
        { name: names.on, run: variant(1) },
        { name: names.sampled, run: variant(SAMPLED) },
      ],
      // Every round is a fresh process that warms itself up first; no in-process warm-up to do.
      { warmup: false },
    );
    const off = results.get(names.off) ?? [];
    const cpu = (ms: readonly Measurement[]) => `Node CPU ${cpuPerMessage(ms)?.toFixed(0)} µs/msg`;
    const tracedRow = (name: string) => {
      const measured = results.get(name) ?? [];
      return summarise(name, measured, {
        baseline: off,
        target: TARGET,
        note: `${cpu(measured)}; trace exports per round ${measured.map((m) => m.details ?? '?').join(' / ')}`,
      });
    };
    const onRow = tracedRow(names.on);
    const sampledRow = tracedRow(names.sampled);
    const traces = sink.received.get('/v1/traces');
    const others = [...sink.received.entries()]
      .filter(([path]) => path !== '/v1/traces')
      .map(([path, s]) => `${path} ${s.requests} requests`);
    return {
      name: 'telemetry',
      title: telemetryBenchmark.title,
      method:
        `Each round is a separate node process that publishes and consumes ${n} persistent ${MESSAGE_BYTES}-byte ` +
        `events through Herald (after ${warmup} untimed warm-up messages), prefetch 500, 1000 publishes in flight, ` +
        `and logs one line per handled event. "on" starts the OpenTelemetry NodeSDK through @herald/telemetry ` +
        `startTracing (the bus's own publish and process spans; mongodb, http, pino instrumented; OTLP/HTTP protobuf ` +
        `export to a local sink that discards it) before amqplib loads, with pino at info writing to /dev/null; ` +
        `"off" has neither (pino silent). The sampled row is "on" with OTEL_TRACES_SAMPLER=parentbased_traceidratio ` +
        `and OTEL_TRACES_SAMPLER_ARG=${SAMPLED}: every message still carries trace context and logs its line.`,
      rows: [summarise(names.off, off, { note: cpu(off) }), onRow, sampledRow],
      notes: [
        `Tracing + logging on, every trace kept: ${met(onRow) ? 'meets' : 'does NOT meet'} the ${TARGET} target.`,
        `With ${SAMPLED * 100}% of traces sampled: ${met(sampledRow) ? 'meets' : 'does NOT meet'} the ${TARGET} target.`,
        live
          ? 'Every "on" process had a live SDK (spans got real trace ids).'
          : 'WARNING: some "on" process had no live SDK; the "on" numbers understate the cost.',
        `The sink received ${traces?.requests ?? 0} trace exports (${((traces?.bytes ?? 0) / 1024).toFixed(0)} KiB)` +
          (others.length > 0 ? `, plus ${others.join(', ')}` : '') +
          '. The SDK batches with its defaults (queue 2048 spans, 512 per export, every 5 s): spans beyond ' +
          'the queue are dropped, not waited for.',
      ],
    };
  },
};
