// Herald's Consumer (parse, validate, dispatch, ack; optionally dedupe through ProcessedEvents)
// against bare amqplib consume+ack, both draining the same prefilled quorum queue at prefetch 500.
import type { ChannelModel } from 'amqplib';
import type { Handler } from '@herald/bus';
import { BatchedInserts, ProcessedEvents, idempotent } from '@herald/store';
import {
  Tally,
  cpuPerMessage,
  interleave,
  met,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import {
  PREFETCH,
  barePublish,
  bareConnect,
  benchTopology,
  declareBenchTopology,
  eventExchange,
  openConsumer,
  type BenchEvent,
} from './herald.js';
import { EVENT_TYPE, MESSAGE_BYTES, commentEvent } from './payload.js';
import { benchDatabase, benchNamespace } from './resources.js';

const TARGET = 0.85;
/** Issue 14: dedupe at half a bare consume+ack or better. */
const DEDUPE_TARGET = 0.5;

export const consumerBenchmark: Benchmark = {
  name: 'consumer',
  title: 'Consumer: Herald Consumer vs bare amqplib consume+ack',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const url = ctx.servers.rabbitmq;
    const namespace = benchNamespace(ctx, 'consumer');
    const { db } = await benchDatabase(ctx, namespace);
    const processed = new ProcessedEvents(db);
    await processed.ensureIndexes();
    const oneWrite = new BatchedInserts<{ _id: string; at: Date }>(db.collection('one_write'));
    const topology = benchTopology(namespace, 'drain');
    const n = ctx.count(20_000);
    const warm = Math.max(100, Math.round(n / 5));

    const filler: ChannelModel = await bareConnect(url, `${namespace}prefill`);
    ctx.defer('close prefill connection', () => filler.close());
    await declareBenchTopology(filler, topology);
    const prefillChannel = await filler.createConfirmChannel();

    /** Fills the queue with `count` distinct valid events (untimed). */
    const prefill = async (count: number) => {
      await barePublish({
        channel: prefillChannel,
        exchange: eventExchange(namespace),
        routingKey: EVENT_TYPE,
        count,
        body: () => Buffer.from(JSON.stringify(commentEvent())),
      });
      const { messageCount } = await prefillChannel.checkQueue(topology.queue);
      if (messageCount < count) {
        throw new Error(`prefill: ${topology.queue} holds ${messageCount}, expected ${count}`);
      }
    };

    // A slow store must not stretch the run without bound: a drain stops at the time box and counts
    // what it acked by then; the rest is purged.
    const timeBoxMs = Math.max(10_000, Math.round(60_000 * ctx.scale));
    let timeBoxed = 0;

    /**
     * Times a drain from the subscribe call to the `count`-th ack, or to the time box (then it counts
     * what was acked by then): the time a backlog of `count` takes to clear, set-up included.
     */
    const drain = async (
      count: number,
      subscribe: () => Promise<unknown>,
      acked: Tally,
    ): Promise<Measurement> => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await subscribe();
      const finished = await acked.reachWithin(count, timeBoxMs);
      const msgs = acked.count;
      const seconds = (performance.now() - started) / 1_000;
      const used = process.cpuUsage(cpu);
      if (!finished) timeBoxed++;
      return {
        msgs,
        seconds,
        cpuMs: (used.user + used.system) / 1_000,
        ...(finished ? {} : { details: 'time-boxed' }),
      };
    };

    const bare = async (round: number): Promise<Measurement> => {
      const count = round === 0 ? warm : n;
      await prefill(count);
      const connection = await bareConnect(url, `${namespace}bare-consumer`);
      try {
        const acked = new Tally();
        return await drain(
          count,
          async () => {
            const channel = await connection.createChannel();
            await channel.prefetch(PREFETCH);
            await channel.consume(
              topology.queue,
              (message) => {
                if (!message) return;
                channel.ack(message);
                acked.add();
              },
              { noAck: false },
            );
          },
          acked,
        );
      } finally {
        await connection.close();
        await prefillChannel.purgeQueue(topology.queue);
      }
    };

    const handlers: Record<'none' | 'dedupe' | 'oneWrite', Handler<BenchEvent>> = {
      none: noop,
      dedupe: idempotent(processed, 'bench', noop),
      // What any dedupe that writes once per message pays at least: one batched insert, no logic.
      oneWrite: async (event) => {
        await oneWrite.insert({ _id: `bench:${event.id}`, at: new Date() });
      },
    };
    const herald =
      (work: keyof typeof handlers) =>
      async (round: number): Promise<Measurement> => {
        const count = round === 0 ? warm : n;
        await prefill(count);
        const name = `${namespace}herald-consumer`;
        const handler = handlers[work];
        const consumer = await openConsumer({ url, topology, name, handler, start: false });
        try {
          return await drain(count, () => consumer.consumer.start(), consumer.acked);
        } finally {
          // After a time-boxed drain up to `prefetch` handlers are still waiting on the store: let
          // them finish (untimed) so none fails against a closed client later.
          await consumer.close(120_000);
          await prefillChannel.purgeQueue(topology.queue);
        }
      };

    const names = {
      bare: 'bare amqplib consume+ack',
      herald: 'Herald Consumer, no dedupe',
      dedupe: 'Herald Consumer + dedupe (ProcessedEvents)',
      oneWrite: 'reference: Herald Consumer + one batched insert per message',
    };
    const results = await interleave(ctx, 'consumer', [
      { name: names.bare, run: bare },
      { name: names.herald, run: herald('none') },
      { name: names.dedupe, run: herald('dedupe') },
      { name: names.oneWrite, run: herald('oneWrite') },
    ]);
    const baseline = results.get(names.bare) ?? [];
    const cpuNote = (ms: readonly Measurement[]) => {
      const us = cpuPerMessage(ms);
      return us === undefined ? undefined : `Node CPU ${us.toFixed(0)} µs/msg`;
    };
    const rows = [
      summarise(names.bare, baseline, { note: cpuNote(baseline) ?? '' }),
      summarise(names.herald, results.get(names.herald) ?? [], {
        baseline,
        target: TARGET,
        note: cpuNote(results.get(names.herald) ?? []) ?? '',
      }),
      summarise(names.dedupe, results.get(names.dedupe) ?? [], {
        baseline,
        target: DEDUPE_TARGET,
        note: `${cpuNote(results.get(names.dedupe) ?? []) ?? ''}; 2 batched inserts/msg`,
      }),
      summarise(names.oneWrite, results.get(names.oneWrite) ?? [], {
        baseline,
        note: `${cpuNote(results.get(names.oneWrite) ?? []) ?? ''}; 1 batched insert/msg`,
      }),
    ];
    const verdict = rows
      .filter((r) => r.target !== undefined)
      .map((r) => `${r.variant}: ${met(r) ? 'meets' : 'does NOT meet'} the ${r.target} target`);
    return {
      name: 'consumer',
      title: consumerBenchmark.title,
      method:
        `The queue is prefilled with ${n} persistent ${MESSAGE_BYTES}-byte events by a bare publisher (untimed), ` +
        `then drained at prefetch ${PREFETCH}; the clock runs from subscribe to the last ack. ` +
        `Herald parses the JSON, validates envelope and data with zod, dispatches to a no-op handler ` +
        `and acks each message; the dedupe row wraps the handler in ProcessedEvents.once.`,
      rows,
      notes: [
        ...verdict,
        'ProcessedEvents.once writes two documents per new event (a claim before the handler, the record ' +
          'after it), each in an insertMany shared with the other messages in flight; it reads the store ' +
          'only for an event already claimed (none here).',
        'The reference row is the floor of any store-backed dedupe that writes once per message: the same ' +
          'batched insert, no claim, no lease, no record. Where it is itself below the dedupe target, no ' +
          'design with a store write per message meets it on this store and machine.',
        'The bare side acks each message on its own; Herald acks each message after its handler, coalescing ' +
          'the acks settled in one event-loop turn into one multiple ack (plus single acks for any settled ' +
          'behind one still running).',
        ...(timeBoxed > 0
          ? [
              `${timeBoxed} drain(s) hit the ${timeBoxMs / 1_000} s time box: their rate is the messages acked ` +
                'within it (the rest was purged).',
            ]
          : []),
      ],
    };
  },
};

const noop: Handler<BenchEvent> = async () => undefined;
