// Building blocks shared by the benchmarks and their worker processes: Herald's own publisher and
// consumer on a bench topology, the bare-amqplib equivalents, and the timed publish+consume pipeline.
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { pino } from 'pino';
import {
  BrokerConnection,
  Consumer,
  Publisher,
  declareQueueTopology,
  ensureExchanges,
  type Handler,
  type Logger,
} from '@herald/bus';
import { catalog, exchangeName, queueTopology, type QueueTopology } from '@herald/contracts';
import { Tally, budgetMs, windowed, type Measurement } from './harness.js';
import { EVENT_TYPE, SOURCE, commentData } from './payload.js';

export type BenchEvent = typeof EVENT_TYPE;

/** Herald's defaults for the benchmarks: the same numbers the bare baselines and PerfTest use. */
export const PREFETCH = 500;
export const WINDOW = 1_000;

/** Warnings and errors only, on stderr; BENCH_LOG_LEVEL=debug shows the bus at work. */
export const benchLogger: Logger = pino(
  { level: process.env.BENCH_LOG_LEVEL ?? 'warn', base: { bench: true } },
  pino.destination(2),
);

/** One durable quorum queue bound to `comment.created`, with Herald's retry exchange and DLQ. */
export function benchTopology(namespace: string, queue: string): QueueTopology<BenchEvent> {
  return queueTopology({
    queue,
    consumes: [EVENT_TYPE],
    namespace,
    // One wait queue is enough: the benchmarks never fail a message, and fewer quorum queues to
    // declare keeps set-up light on a loaded broker.
    retry: { delaysMs: [1_000], maxAttempts: 3 },
  });
}

/** The exchange `comment.created` is published to in `namespace`. */
export function eventExchange(namespace: string): string {
  return exchangeName(catalog[EVENT_TYPE].exchange, namespace);
}

export async function heraldConnection(
  url: string,
  name: string,
  logger: Logger = benchLogger,
): Promise<BrokerConnection> {
  const connection = new BrokerConnection({ url, name, logger });
  connection.start();
  await connection.waitUntilConnected(30_000);
  return connection;
}

export interface OpenPublisher {
  readonly publisher: Publisher<BenchEvent>;
  close(): Promise<void>;
}

export async function openPublisher(
  url: string,
  namespace: string,
  logger: Logger = benchLogger,
): Promise<OpenPublisher> {
  const connection = await heraldConnection(url, `${namespace}publisher`, logger);
  const publisher = new Publisher({
    connection,
    source: SOURCE,
    produces: [EVENT_TYPE],
    namespace,
    logger,
  });
  await publisher.start();
  return {
    publisher,
    // Closing the connection closes the channel; the publisher then sees a connection that is no
    // longer current and does not try to reopen its channel (Publisher.close() alone would).
    close: () => connection.close(),
  };
}

export interface OpenConsumer {
  readonly consumer: Consumer<BenchEvent>;
  /** Acked deliveries; a retried or dead-lettered one fails every waiter (benchmarks never fail). */
  readonly acked: Tally;
  /** Stops consuming, lets in-flight handlers finish (up to `deadlineMs`), closes the connection. */
  close(deadlineMs?: number): Promise<void>;
}

const noop: Handler<BenchEvent> = async () => undefined;

/**
 * A Herald consumer on `topology`. With `start: false` the caller starts it (so a drain benchmark
 * can time from the subscription on).
 */
export async function openConsumer(options: {
  readonly url: string;
  readonly topology: QueueTopology<BenchEvent>;
  readonly name: string;
  readonly handler?: Handler<BenchEvent>;
  readonly prefetch?: number;
  readonly logger?: Logger;
  readonly start?: boolean;
}): Promise<OpenConsumer> {
  const logger = options.logger ?? benchLogger;
  const connection = await heraldConnection(options.url, options.name, logger);
  const consumer = new Consumer({
    connection,
    topology: options.topology,
    name: options.name,
    logger,
    prefetch: options.prefetch ?? PREFETCH,
  });
  consumer.on(EVENT_TYPE, options.handler ?? noop);
  const acked = new Tally();
  consumer.onOutcome((outcome) => {
    if (outcome.status === 'acked') acked.add();
    else acked.fail(new Error(`a message was ${outcome.status}: ${outcome.error}`));
  });
  if (options.start ?? true) await consumer.start();
  return {
    consumer,
    acked,
    async close(deadlineMs = 5_000) {
      await consumer.stop(deadlineMs);
      await connection.close();
    },
  };
}

/**
 * Publishes `count` events through Herald (validate, envelope, confirm) with `window` in flight
 * and waits until `consumed` has grown by `count`: the end-to-end time of the pipeline.
 */
export async function timedPipeline(options: {
  readonly publisher: Publisher<BenchEvent>;
  readonly consumed: Tally;
  readonly count: number;
  readonly window?: number;
  readonly what: string;
}): Promise<Measurement> {
  const target = options.consumed.count + options.count;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await windowed(options.count, options.window ?? WINDOW, () =>
    options.publisher.publish(EVENT_TYPE, commentData),
  );
  await options.consumed.reach(target, budgetMs(options.count), options.what);
  const seconds = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  return { msgs: options.count, seconds, cpuMs: (used.user + used.system) / 1_000 };
}

/**
 * Herald end to end in this process: a publisher connection and a consumer connection on one
 * queue, an untimed warm-up of `warmup` messages, then `count` timed messages.
 */
export async function runPipeline(options: {
  readonly url: string;
  readonly namespace: string;
  readonly queue: string;
  readonly count: number;
  readonly warmup?: number;
  readonly handler?: Handler<BenchEvent>;
  readonly prefetch?: number;
  readonly window?: number;
  readonly logger?: Logger;
}): Promise<Measurement> {
  const topology = benchTopology(options.namespace, options.queue);
  const consumer = await openConsumer({
    url: options.url,
    topology,
    name: `${topology.queue}.consumer`,
    ...(options.handler ? { handler: options.handler } : {}),
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const publisher = await openPublisher(options.url, options.namespace, options.logger);
  try {
    const run = (count: number, what: string) =>
      timedPipeline({
        publisher: publisher.publisher,
        consumed: consumer.acked,
        count,
        ...(options.window ? { window: options.window } : {}),
        what,
      });
    if (options.warmup) await run(options.warmup, `${topology.queue} warm-up`);
    return await run(options.count, topology.queue);
  } finally {
    await publisher.close();
    await consumer.close();
  }
}

// ------------------------------------------------------------------ bare amqplib

export async function bareConnect(url: string, name: string): Promise<ChannelModel> {
  const connection = await connect(url, { clientProperties: { connection_name: name } });
  connection.on('error', (err: unknown) =>
    benchLogger.warn({ err: String(err) }, 'bare connection error'),
  );
  return connection;
}

/** Declares Herald's topology for `queue` from a plain channel (same queue arguments either way). */
export async function declareBenchTopology(
  connection: ChannelModel,
  topology: QueueTopology,
): Promise<void> {
  await ensureExchanges(
    connection,
    topology.bindings.map((b) => b.exchange),
  );
  const channel = await connection.createChannel();
  try {
    await declareQueueTopology(channel, topology);
  } finally {
    await channel.close();
  }
}

/**
 * The bare publisher: amqplib ConfirmChannel.publish, persistent, `window` unconfirmed messages in
 * flight. `body(i)` supplies each message.
 */
export async function barePublish(options: {
  readonly channel: ConfirmChannel;
  readonly exchange: string;
  readonly routingKey: string;
  readonly count: number;
  readonly window?: number;
  readonly body: (i: number) => Buffer;
}): Promise<void> {
  const { channel } = options;
  await windowed(
    options.count,
    options.window ?? WINDOW,
    (i) =>
      new Promise<void>((resolve, reject) => {
        channel.publish(
          options.exchange,
          options.routingKey,
          options.body(i),
          { persistent: true, contentType: 'application/json', messageId: String(i) },
          (err) => (err ? reject(new Error(`publish not confirmed: ${String(err)}`)) : resolve()),
        );
      }),
  );
}
