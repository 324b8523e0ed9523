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
import { benchNamespace } from './resources.js';
import { FEED_POLL_MS, watchSideEffects, type SideEffectTimes } from './side-effects.js';

/**
 * Comments per second. Each means store reads and writes in four services sharing 2 cores with
 * FerretDB: on this machine 10/s already queued (p50 grew round over round), 5/s did not.
 */
const RATE = 5;
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

    const count = ctx.count(200, 20);
    /** Per measured round, each side effect's p99 from the 201, to say which one sets the pace. */
    const effectP99s: Record<(typeof EFFECTS)[number], number[]> = {
      mail: [],
      notification: [],
      feed: [],
    };
    const apiP99s: number[] = [];

    const herald = async (round: number): Promise<Measurement> => {
      const n = round === 0 ? Math.max(10, Math.round(count / 5)) : count;
      const answeredAt = new Map<string, number>();
      const headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${await workspace.author.token()}`,
      };
      const run = await openLoop({
        rate: RATE,
        count: n,
        send: async (i) => {
          const ref = `${REF} ${round}-${i}`;
          const body = JSON.stringify({ body: commentBody(workspace.member, ref) });
          await poster.post({ path, headers, body }, 201);
          answeredAt.set(ref, performance.now());
        },
      });
      const refs = [...answeredAt.keys()];
      const complete = (t: SideEffectTimes) => EFFECTS.every((e) => t[e] !== undefined);
      const deadline = performance.now() + budgetMs(n);
      while (!refs.every((ref) => complete(watch.times(ref)))) {
        if (watchFailure) throw watchFailure;
        if (performance.now() > deadline) {
          const missing = EFFECTS.map(
            (e) => `${e} ${refs.filter((ref) => watch.times(ref)[e] === undefined).length}`,
          );
          throw new Error(
            `side effects still missing after ${budgetMs(n)} ms: ${missing.join(', ')}`,
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
          effectP99s[e].push(
            percentile(
              refs.map((ref) => since(ref, watch.times(ref)[e])),
              99,
            ),
          );
        }
        apiP99s.push(percentile(run.latenciesMs, 99));
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

    const bare = async (round: number): Promise<Measurement> => {
      const n = round === 0 ? Math.max(10, Math.round(count / 5)) : count;
      latencies.length = 0;
      const target = consumed.count + n;
      const run = await openLoop({
        rate: RATE,
        count: n,
        send: (i) =>
          new Promise<void>((resolve, reject) => {
            const id = `${round}-${i}`;
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
      bare: `bare amqplib publish -> consume at ${RATE} msg/s`,
      herald: `API 201 -> e-mail + notification + feed at ${RATE} comments/s`,
    };
    const results = await interleave(ctx, 'fanout', [
      { name: names.bare, run: bare },
      { name: names.herald, run: herald },
    ]);
    const baseline = results.get(names.bare) ?? [];
    const heraldRow = summariseLatency(names.herald, RATE, results.get(names.herald) ?? [], {
      baseline,
    });
    const perEffect = EFFECTS.map((e) => `${e} ${fmtMs(median(effectP99s[e]))} ms`).join(', ');
    return {
      name: 'fanout',
      title: fanoutBenchmark.title,
      method:
        `The api, mailer, notifier and activity services run as processes on the broker and the store, the ` +
        `mailer sending over SMTP to a test server in this process. Ada posts ${count} comments per round at ` +
        `a fixed ${RATE}/s (open loop), each @mentioning Bob; each is timed from its 201 until all three side ` +
        `effects are seen: the e-mail to Bob received over SMTP, Bob's notification on the notifier's ` +
        `Server-Sent Events stream, and the comment's entry in the activity feed (read every ${FEED_POLL_MS} ms). ` +
        `Baseline: bare amqplib, ${count} persistent ${MESSAGE_BYTES}-byte messages per round published at the ` +
        `same rate (confirm channel) to a quorum queue and consumed (prefetch ${PREFETCH}, ack each), timed ` +
        `from publish to delivery.`,
      rows: [],
      latencyRows: [summariseLatency(names.bare, RATE, baseline), heraldRow],
      notes: [
        `p99 of each side effect from the 201 (median over rounds): ${perEffect}; the API answered ` +
          `the POSTs with a p99 of ${fmtMs(median(apiP99s))} ms at this rate (from when each was due).`,
        `A comment's path: API write (comment + outbox) -> relay -> broker -> three quorum queues -> each ` +
          'consumer records the event as processed in its own database and does its work (sent-log + SMTP, ' +
          'notification insert, feed insert) before acking; the baseline has none of the store work.',
        `The feed has no stream: an entry is seen up to ${FEED_POLL_MS} ms (plus one read) after it is stored, ` +
          'and the reads are load on the activity service; e-mails are looked for every 5 ms.',
        ...(count < 100
          ? [`With ${count} comments a round, p99 is the slowest one or two: indicative only.`]
          : []),
      ],
    };
  },
};
