// One Herald publish+consume pipeline in a process of its own. With an OTLP endpoint it first starts
// the OpenTelemetry NodeSDK, exactly as a service's instrumentation.ts does, and only then loads
// pino and the bus (dynamic imports), so the instrumentations patch them on first load.
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { exitWithParent, readJob, runWorker, tell } from './protocol.js';

const job = readJob('pipeline');
exitWithParent();

async function main(): Promise<void> {
  let stopTracing: () => Promise<void> = async () => undefined;
  if (job.otlpEndpoint) {
    const telemetry = await import('@herald/telemetry');
    telemetry.startTracing({
      service: 'herald-bench',
      version: '0.0.0',
      endpoint: job.otlpEndpoint,
    });
    stopTracing = telemetry.stopTracing;
  }
  const { pino } = await import('pino');
  const logger = pino(
    { level: job.logLevel, base: { service: 'herald-bench' } },
    pino.destination({ dest: '/dev/null', sync: true }),
  );
  const { runPipeline } = await import('../herald.js');
  const result = await runPipeline({
    url: job.url,
    namespace: job.namespace,
    queue: job.queue,
    count: job.count,
    warmup: job.warmup,
    logger,
    // What a service's handler does besides its work: one log line per event.
    handler: async (event, context) => context.log.info({ eventId: event.id }, 'event handled'),
  });
  await stopTracing();
  await tell({
    type: 'result',
    msgs: result.msgs,
    seconds: result.seconds,
    cpuMs: result.cpuMs ?? 0,
    tracingLive: tracingLive(),
  });
}

/** Whether an SDK is registered: without one every span is the API's no-op with an all-zero id. */
function tracingLive(): boolean {
  const probe = trace.getTracer('herald-bench').startSpan('tracing probe');
  probe.end();
  return isSpanContextValid(probe.spanContext());
}

await runWorker(main);
