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

const TARGET = 0.85;

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
    let recorded = true;

    const variant =
      (on: boolean) =>
      async (round: number): Promise<Measurement> => {
        const before = sink.received.get('/v1/traces')?.requests ?? 0;
        const job: PipelineJob = {
          kind: 'pipeline',
          url: ctx.servers.rabbitmq,
          namespace,
          queue: on ? 'traced' : 'plain',
          count: round === 0 ? warmup : n,
          warmup,
          logLevel: on ? 'info' : 'silent',
          ...(on ? { otlpEndpoint: sink.endpoint } : {}),
        };
        // Whatever the SDK reads from the standard OTel environment (logs, metrics) goes to the sink too.
        const env: Record<string, string> = on
          ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_SERVICE_NAME: 'herald-bench' }
          : {};
        const worker = forkWorker('pipeline-worker.ts', job, env);
        try {
          const result = await worker.next('result', budgetMs(job.count + warmup) + 30_000);
          if (on && result.spansRecorded !== true) recorded = false;
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

    const names = { off: 'tracing + logging off', on: 'tracing + logging on (OTLP, pino info)' };
    const results = await interleave(
      ctx,
      'telemetry',
      [
        { name: names.off, run: variant(false) },
        { name: names.on, run: variant(true) },
      ],
      // Every round is a fresh process that warms itself up first; no in-process warm-up to do.
      { warmup: false },
    );
    const off = results.get(names.off) ?? [];
    const on = results.get(names.on) ?? [];
    const cpu = (ms: readonly Measurement[]) => `Node CPU ${cpuPerMessage(ms)?.toFixed(0)} µs/msg`;
    const onRow = summarise(names.on, on, {
      baseline: off,
      target: TARGET,
      note: `${cpu(on)}; trace exports per round ${on.map((m) => m.details ?? '?').join(' / ')}`,
    });
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
        `startTracing (the bus's own publish and process spans; mongodb, http, pino instrumented; OTLP/HTTP protobuf export to a local sink that ` +
        `discards it) before amqplib loads, with pino at info writing to /dev/null; "off" has neither (pino silent).`,
      rows: [summarise(names.off, off, { note: cpu(off) }), onRow],
      notes: [
        `Tracing + logging on: ${met(onRow) ? 'meets' : 'does NOT meet'} the ${TARGET} target.`,
        recorded
          ? 'Every "on" process recorded its spans (SDK registered, parent-based always-on sampling).'
          : 'WARNING: some "on" process did NOT record spans; the "on" numbers understate the cost.',
        `The sink received ${traces?.requests ?? 0} trace exports (${((traces?.bytes ?? 0) / 1024).toFixed(0)} KiB)` +
          (others.length > 0 ? `, plus ${others.join(', ')}` : '') +
          '. The SDK samples every trace (parent-based always-on) and batches with its defaults ' +
          '(queue 2048 spans, 512 per export, every 5 s): spans beyond the queue are dropped, not waited for.',
      ],
    };
  },
};
