// Herald's Publisher.publish (validate, envelope, confirm) against bare amqplib ConfirmChannel
// publishing, both with 1000 publishes in flight into the same quorum queue.
import {
  cpuPerMessage,
  interleave,
  met,
  summarise,
  windowed,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import {
  WINDOW,
  bareConnect,
  barePublish,
  benchTopology,
  declareBenchTopology,
  eventExchange,
  openPublisher,
} from './herald.js';
import { EVENT_TYPE, MESSAGE_BYTES, commentBody, commentData } from './payload.js';
import { benchNamespace } from './resources.js';

const TARGET = 0.9;

export const publisherBenchmark: Benchmark = {
  name: 'publisher',
  title: 'Publisher: Herald Publisher.publish vs bare amqplib ConfirmChannel',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const url = ctx.servers.rabbitmq;
    const namespace = benchNamespace(ctx, 'publisher');
    const topology = benchTopology(namespace, 'sink');
    const n = ctx.count(20_000);
    const warm = Math.max(100, Math.round(n / 5));

    const bare = await bareConnect(url, `${namespace}bare-publisher`);
    ctx.defer('close bare publisher', () => bare.close());
    await declareBenchTopology(bare, topology);
    const admin = await bare.createChannel();
    const confirm = await bare.createConfirmChannel();
    const herald = await openPublisher(url, namespace);
    ctx.defer('close Herald publisher', () => herald.close());

    /** Times `publishAll`, then empties the queue (untimed) so every round starts alike. */
    const timed = async (count: number, publishAll: () => Promise<void>): Promise<Measurement> => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await publishAll();
      const seconds = (performance.now() - started) / 1_000;
      const used = process.cpuUsage(cpu);
      const { messageCount } = await admin.checkQueue(topology.queue);
      if (messageCount < count) {
        throw new Error(`${topology.queue} holds ${messageCount} messages, expected ${count}`);
      }
      await admin.purgeQueue(topology.queue);
      return { msgs: count, seconds, cpuMs: (used.user + used.system) / 1_000 };
    };

    const names = {
      bare: `bare amqplib ConfirmChannel, ${WINDOW} in flight`,
      herald: `Herald Publisher.publish, ${WINDOW} in flight`,
    };
    const results = await interleave(ctx, 'publisher', [
      {
        name: names.bare,
        run: (round) => {
          const count = round === 0 ? warm : n;
          return timed(count, () =>
            barePublish({
              channel: confirm,
              exchange: eventExchange(namespace),
              routingKey: EVENT_TYPE,
              count,
              body: () => commentBody,
            }),
          );
        },
      },
      {
        name: names.herald,
        run: (round) => {
          const count = round === 0 ? warm : n;
          return timed(count, () =>
            windowed(count, WINDOW, () => herald.publisher.publish(EVENT_TYPE, commentData)),
          );
        },
      },
    ]);
    const baseline = results.get(names.bare) ?? [];
    const heraldRuns = results.get(names.herald) ?? [];
    const cpu = (ms: readonly Measurement[]) => `Node CPU ${cpuPerMessage(ms)?.toFixed(0)} µs/msg`;
    const heraldRow = summarise(names.herald, heraldRuns, {
      baseline,
      target: TARGET,
      note: cpu(heraldRuns),
    });
    const rows = [summarise(names.bare, baseline, { note: cpu(baseline) }), heraldRow];
    return {
      name: 'publisher',
      title: publisherBenchmark.title,
      method:
        `${n} persistent ${MESSAGE_BYTES}-byte messages per round to a topic exchange bound to one quorum queue; ` +
        `the clock stops at the last broker confirm. The bare side re-sends one pre-serialized body; Herald ` +
        `validates the data with zod, builds a fresh envelope (uuid, time), serializes it and sets the full ` +
        `AMQP property set for every message.`,
      rows,
      notes: [
        `Herald Publisher: ${met(heraldRow) ? 'meets' : 'does NOT meet'} the ${TARGET} target.`,
      ],
    };
  },
};
