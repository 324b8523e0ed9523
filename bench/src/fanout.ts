// End-to-end fan-out: every service as a process, comments posted at a fixed rate, each timed from
// the API's 201 until all three of its side effects are done (e-mail received over SMTP, notification
// streamed by the notifier, entry in the activity feed), against a bare amqplib publish->consume on a
// quorum queue at the same rate.
import type { ConsumeMessage } from 'amqplib';
import { startSmtpServer } from '@herald/testkit';
import {
  Tally,
  budgetMs,
  interleave,
  median,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import {
  PREFETCH,
  bareConnect,
  benchTopology,
  declareBenchTopology,
  eventExchange,
} from './herald.js';
import { openPoster } from './http-load.js';
import { fmtMs, percentile, summariseLatencies, summariseLatency } from './latency.js';
import { openLoop } from './open-loop.js';
import { EVENT_TYPE, MESSAGE_BYTES, commentBody as eventBody } from './payload.js';
import { commentBody, setUpWorkspace, startBenchSystem } from './product.js';
import { fmtRatio } from './report.js';
import { benchNamespace } from './resources.js';
import { FEED_POLL_MS, watchSideEffects, type SideEffectTimes } from './side-effects.js';

/**
 * Comments per second (issue 14: p99 at most 5x a bare publish->consume at both). Each comment means
 * store reads and writes in four services sharing 2 cores with the store and the broker.
 */
const RATES = [5, 50] as const;
type Rate = (typeof RATES)[number];
const TARGET = 5;
const REF = 'fanout';
const EFFECTS = ['mail', 'notification', 'feed'] as const;

export const fanoutBenchmark: Benchmark = {
  name: 'fanout',
  title: 'Fan-out: API 201 to e-mail + notification + feed entry vs bare publish->consume',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const namespace = benchNamespace(ctx, 'fanout');
    const smtp = await startSmtpServer();
    ctx.defer('stop the SMTP server', () => smtp.close());
    const system = await startBenchSystem(ctx, {
      namespace,
      services: ['mailer', 'notifier', 'activity', 'api'],
      smtp,
    });
    const { api, notifier, activity } = system.services;
    if (!api || !notifier || !activity) throw new Error('a service did not start');
    const workspace = await setUpWorkspace(api.url, smtp);

    let watchFailure: Error | undefined;
    const watch = await watchSideEffects({
      smtp,
      notifierUrl: notifier.url,
      activityUrl: activity.url,
      workspaceId: workspace.workspaceId,
      memberToken: () => workspace.member.token(),
      feedToken: () => workspace.author.token(),
      prefix: REF,
      onError: (error) => (watchFailure ??= error),
    });
    ctx.defer('stop watching side effects', () => watch.close());
    const poster = openPoster(api.url, 16);
    ctx.defer('close the HTTP client', () => poster.close());
    const path = `/tasks/${workspace.taskId}/comments`;

    /** Comments per round at each rate: about 30 s of load at 5/s, 8 s at 50/s. */
    const counts: Record<Rate, number> = { 5: ctx.count(150, 20), 50: ctx.count(400, 50) };
    /**
     * How long a round may take to see every effect: a system that falls behind the rate drains
     * its backlog afterwards, so the bound allows for a few comments a second.
     */
    const settleMs = (n: number) => 120_000 + n * 250;
    /** Per rate and measured round, each side effect's p99 from the 201 (which one sets the pace). */
    const effectP99s = new Map<Rate, Record<(typeof EFFECTS)[number], number[]>>(
      RATES.map((rate) => [rate, { mail: [], notification: [], feed: [] }]),
    );
    const apiP99s = new Map<Rate, number[]>(RATES.map((rate) => [rate, []]));
    const warmCount = (rate: Rate) => Math.max(10, Math.round(counts[rate] / 5));

    const herald =
      (rate: Rate) =>
      async (round: number): Promise<Measurement> => {
        const n = round === 0 ? warmCount(rate) : counts[rate];
        const answeredAt = new Map<string, number>();
        const headers = {
          'content-type': 'application/json',
          authorization: `Bearer ${await workspace.author.token()}`,
        };
        const run = await openLoop({
          rate,
          count: n,
          send: async (i) => {
            const ref = `${REF} ${rate}-${round}-${i}`;
            const body = JSON.stringify({ body: commentBody(workspace.member, ref) });
            await poster.post({ path, headers, body }, 201);
            answeredAt.set(ref, performance.now());
          },
        });
        const refs = [...answeredAt.keys()];
        const complete = (t: SideEffectTimes) => EFFECTS.every((e) => t[e] !== undefined);
        const deadline = performance.now() + settleMs(n);
        while (!refs.every((ref) => complete(watch.times(ref)))) {
          if (watchFailure) throw watchFailure;
          if (performance.now() > deadline) {
            const missing = EFFECTS.map(
              (e) => `${e} ${refs.filter((ref) => watch.times(ref)[e] === undefined).length}`,
            );
            throw new Error(
              `side effects still missing after ${settleMs(n)} ms: ${missing.join(', ')}`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const since = (ref: string, at: number | undefined) =>
          (at ?? NaN) - (answeredAt.get(ref) ?? NaN);
        const done = refs.map((ref) => {
          const t = watch.times(ref);
          return Math.max(...EFFECTS.map((e) => since(ref, t[e])));
        });
        if (round > 0) {
          for (const e of EFFECTS) {
            effectP99s.get(rate)?.[e].push(
              percentile(
                refs.map((ref) => since(ref, watch.times(ref)[e])),
                99,
              ),
            );
          }
          apiP99s.get(rate)?.push(percentile(run.latenciesMs, 99));
        }
        return { msgs: n, seconds: run.seconds, latency: summariseLatencies(done) };
      };

    // The baseline: its own namespace, so the services never see its messages.
    const bareNamespace = benchNamespace(ctx, 'fanout-bare');
    const topology = benchTopology(bareNamespace, 'latency');
    const publishing = await bareConnect(ctx.servers.rabbitmq, `${bareNamespace}publisher`);
    ctx.defer('close the bare publisher', () => publishing.close());
    const consuming = await bareConnect(ctx.servers.rabbitmq, `${bareNamespace}consumer`);
    ctx.defer('close the bare consumer', () => consuming.close());
    await declareBenchTopology(publishing, topology);
    const confirm = await publishing.createConfirmChannel();
    const consumer = await consuming.createChannel();
    await consumer.prefetch(PREFETCH);
    const publishedAt = new Map<string, number>();
    const latencies: number[] = [];
    const consumed = new Tally();
    await consumer.consume(
      topology.queue,
      (message: ConsumeMessage | null) => {
        if (!message) return;
        const sent = publishedAt.get(String(message.properties.messageId));
        if (sent !== undefined) latencies.push(performance.now() - sent);
        consumer.ack(message);
        consumed.add();
      },
      { noAck: false },
    );

    const bare =
      (rate: Rate) =>
      async (round: number): Promise<Measurement> => {
        const n = round === 0 ? warmCount(rate) : counts[rate];
        latencies.length = 0;
        const target = consumed.count + n;
        const run = await openLoop({
          rate,
          count: n,
          send: (i) =>
            new Promise<void>((resolve, reject) => {
              const id = `${rate}-${round}-${i}`;
              publishedAt.set(id, performance.now());
              confirm.publish(
                eventExchange(bareNamespace),
                EVENT_TYPE,
                eventBody,
                { persistent: true, contentType: 'application/json', messageId: id },
                (err) =>
                  err ? reject(new Error(`publish not confirmed: ${String(err)}`)) : resolve(),
              );
            }),
        });
        await consumed.reach(target, budgetMs(n), 'bare publish->consume');
        return { msgs: n, seconds: run.seconds, latency: summariseLatencies([...latencies]) };
      };

    const names = {
      bare: (rate: Rate) => `bare amqplib publish -> consume at ${rate} msg/s`,
      herald: (rate: Rate) => `API 201 -> e-mail + notification + feed at ${rate} comments/s`,
    };
    const results = await interleave(
      ctx,
      'fanout',
      RATES.flatMap((rate) => [
        { name: names.bare(rate), run: bare(rate) },
        { name: names.herald(rate), run: herald(rate) },
      ]),
    );
    const latencyRows = RATES.flatMap((rate) => {
      const baseline = results.get(names.bare(rate)) ?? [];
      return [
        summariseLatency(names.bare(rate), rate, baseline),
        summariseLatency(names.herald(rate), rate, results.get(names.herald(rate)) ?? [], {
          baseline,
        }),
      ];
    });
    const perRate = RATES.map((rate) => {
      const row = latencyRows.find((r) => r.variant === names.herald(rate));
      const p99s = effectP99s.get(rate);
      const perEffect = EFFECTS.map((e) => `${e} ${fmtMs(median(p99s?.[e] ?? []))} ms`).join(', ');
      const ratio = row?.ratio ?? NaN;
      return (
        `At ${rate} comments/s: p99 ${fmtRatio(ratio)}x the bare publish->consume, ` +
        `${ratio <= TARGET ? 'meets' : 'does NOT meet'} the <= ${TARGET}x target. p99 of each side ` +
        `effect from the 201 (median over rounds): ${perEffect}; the API answered with a p99 of ` +
        `${fmtMs(median(apiP99s.get(rate) ?? []))} ms (from when each POST was due).`
      );
    });
    return {
      name: 'fanout',
      title: fanoutBenchmark.title,
      method:
        `The api, mailer, notifier and activity services run as processes on the broker and the store, the ` +
        `mailer sending over SMTP to a test server in this process. Ada posts comments at a fixed rate (open ` +
        `loop; ${RATES.map((r) => `${counts[r]} per round at ${r}/s`).join(', ')}), each @mentioning Bob; ` +
        `each is timed from its 201 until all three side effects are seen: the e-mail to Bob received over ` +
        `SMTP, Bob's notification on the notifier's Server-Sent Events stream, and the comment's entry in ` +
        `the activity feed (read every ${FEED_POLL_MS} ms). Baseline: bare amqplib, as many persistent ` +
        `${MESSAGE_BYTES}-byte messages per round published at the same rate (confirm channel) to a quorum ` +
        `queue and consumed (prefetch ${PREFETCH}, ack each), timed from publish to delivery.`,
      rows: [],
      latencyRows,
      notes: [
        ...perRate,
        `A comment's path: API write (comment + outbox) -> relay -> broker -> three quorum queues -> each ` +
          'consumer records the event as processed in its own database and does its work (sent-log + SMTP, ' +
          'notification insert, feed insert) before acking; the baseline has none of the store work.',
        `The feed has no stream: an entry is seen up to ${FEED_POLL_MS} ms (plus one read) after it is stored, ` +
          'and the reads are load on the activity service; e-mails are looked for every 5 ms.',
        ...(Math.min(...Object.values(counts)) < 100
          ? [
              'With fewer than 100 comments a round, p99 is the slowest one or two: indicative only.',
            ]
          : []),
      ],
    };
  },
};
