// What the parent and its worker processes say to each other over the IPC channel.

/** A Herald publish+consume pipeline run in a process of its own (pipeline-worker.ts). */
export interface PipelineJob {
  readonly kind: 'pipeline';
  readonly url: string;
  readonly namespace: string;
  readonly queue: string;
  readonly count: number;
  /** Untimed messages first, so the timed run sees warm code. */
  readonly warmup: number;
  /** Start the OpenTelemetry NodeSDK (before amqplib loads) exporting to this OTLP base URL. */
  readonly otlpEndpoint?: string;
  /** pino level for the bus and one `info` line per handled event; written to /dev/null. */
  readonly logLevel: string;
}

/** One consumer replica (consumer-worker.ts): consumes until told to stop. */
export interface ConsumerJob {
  readonly kind: 'consumer';
  readonly url: string;
  readonly namespace: string;
  readonly queue: string;
  readonly name: string;
}

/** A bare fastify server (bare-fastify.ts): the baseline the API's HTTP throughput is held to. */
export interface FastifyJob {
  readonly kind: 'fastify';
  readonly port: number;
}

/** The seed's design (seed-app.ts): its route, and its BullMQ workers when `smtpUrl` is set. */
export interface SeedJob {
  readonly kind: 'seed';
  readonly port: number;
  /** The database Herald's API wrote the users, tasks and memberships to. */
  readonly readUrl: string;
  /** The seed's own database: its comments, notifications and feed entries. */
  readonly writeUrl: string;
  readonly redisUrl: string;
  /** BullMQ key prefix of this benchmark's queues. */
  readonly prefix: string;
  readonly publicKeyPem: string;
  readonly smtpUrl?: string;
}

export type Job = PipelineJob | ConsumerJob | FastifyJob | SeedJob;

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly acked: number }
  | {
      readonly type: 'result';
      readonly msgs: number;
      readonly seconds: number;
      readonly cpuMs: number;
      /** Whether an OpenTelemetry SDK was live in this process (spans get real trace ids). */
      readonly tracingLive?: boolean;
    }
  | { readonly type: 'error'; readonly message: string };

export type ParentMessage = { readonly type: 'stop' };

export const JOB_ENV = 'HERALD_BENCH_JOB';

/** A worker whose parent went away (crash, Ctrl-C) must not linger. */
export function exitWithParent(): void {
  process.once('disconnect', () => process.exit(1));
}

export function readJob<K extends Job['kind']>(kind: K): Extract<Job, { kind: K }> {
  const raw = process.env[JOB_ENV];
  if (!raw) throw new Error(`${JOB_ENV} is not set: this file is started by the benchmark`);
  const job = JSON.parse(raw) as Job;
  if (job.kind !== kind) throw new Error(`expected a ${kind} job, got ${job.kind}`);
  return job as Extract<Job, { kind: K }>;
}

/** Sends to the parent; resolves once the message is handed to the IPC channel. */
export function tell(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Runs a worker's body: exit 0 when it finishes, else tell the parent why and exit 1. */
export async function runWorker(main: () => Promise<void>): Promise<never> {
  try {
    await main();
    process.exit(0);
  } catch (error) {
    await tell({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}
