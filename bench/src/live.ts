// The cost of the live fan-out: notifications per second delivered to 200 open Server-Sent Events
// streams spread over 2 notifier replicas, against the same streams on one replica. Every stored
// notification goes through the broker to every replica's live queue, and each replica passes it
// to the streams of its user that it holds.
import { request, type ClientRequest } from 'node:http';
import { createTokenSigner } from '@herald/auth';
import type { CommentCreated } from '@herald/contracts';
import {
  startSmtpServer,
  startSystem,
  testKeys,
  type RunningService,
  type RunningSystem,
} from '@herald/testkit';
import {
  Tally,
  budgetMs,
  interleave,
  summarise,
  windowed,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import { WINDOW, openPublisher } from './herald.js';
import { EVENT_TYPE, commentData } from './payload.js';
import { dropServiceDatabasesLater, serviceEnv } from './product.js';
import { fmtRatio } from './report.js';
import { benchNamespace } from './resources.js';

const STREAMS = 200;
/** Members each comment @mentions: one notification each. */
const MENTIONS = 10;
const NOTIFICATION = '\nevent: notification\n';

/** One open stream, counting the notifications it receives as they arrive. */
interface CountedStream {
  readonly userId: string;
  readonly received: () => number;
  close(): void;
}

/**
 * Opens `GET /notifications/stream` as `token`'s user on `replica` and resolves once it says
 * `: connected`; every notification it receives after that adds to `delivered`.
 */
function openCounted(
  replica: RunningService,
  userId: string,
  token: string,
  delivered: Tally,
): Promise<CountedStream> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const req: ClientRequest = request(new URL('/notifications/stream', replica.url), {
      headers: { authorization: `Bearer ${token}` },
      // A socket of its own: 200 streams must not queue behind a pool's limit.
      agent: false,
    });
    req.once('error', reject);
    req.once('response', (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`stream for ${userId}: ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      // The end of the text seen so far, so a marker split across two chunks is still found once.
      let tail = '';
      let connected = false;
      response.on('data', (chunk: string) => {
        const text = tail + chunk;
        let found = 0;
        for (
          let at = text.indexOf(NOTIFICATION);
          at !== -1;
          at = text.indexOf(NOTIFICATION, at + 1)
        ) {
          if (at + NOTIFICATION.length > tail.length) found++;
        }
        tail = text.slice(-NOTIFICATION.length);
        if (found > 0) {
          received += found;
          delivered.add(found);
        }
        if (!connected && text.includes(': connected')) {
          connected = true;
          resolve({ userId, received: () => received, close: () => req.destroy() });
        }
      });
      response.on('error', () => undefined);
    });
    req.end();
  });
}

/** A comment.created by the author that @mentions `mentioned`. */
function mentioning(mentioned: readonly string[]): CommentCreated {
  return {
    ...commentData,
    mentions: mentioned.map((userId) => ({
      userId,
      email: `${userId}@bench.test`,
      name: `Live ${userId}`,
      handle: userId,
    })),
  };
}

const retriesNote = (ms: readonly Measurement[]) =>
  `events retried per round ${ms.map((m) => m.details ?? '?').join(' / ')}`;

export const liveBenchmark: Benchmark = {
  name: 'live',
  title: 'Live fan-out: notifications to 200 open streams, 2 notifier replicas vs 1',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const namespace = benchNamespace(ctx, 'live');
    const smtp = await startSmtpServer();
    ctx.defer('stop the SMTP server', () => smtp.close());
    const env = serviceEnv(smtp);
    dropServiceDatabasesLater(ctx, namespace, ['notifier']);
    const first = await startSystem({ namespace, services: ['notifier'], env });
    ctx.defer('stop the notifier', () => first.stop());
    let second: RunningSystem | undefined;
    ctx.defer('stop the second notifier', async () => void (await second?.stop()));
    const publisher = await openPublisher(ctx.servers.rabbitmq, namespace);
    ctx.defer('close the publisher', () => publisher.close());

    const signer = await createTokenSigner(testKeys.privateKeyPem);
    const users = Array.from({ length: STREAMS }, (_, i) => `live-user-${i}`);
    const tokens = new Map<string, string>();
    for (const userId of users) {
      tokens.set(userId, await signer.sign({ userId, handle: userId, name: `Live ${userId}` }));
    }
    const comments = ctx.count(300, 20);

    /** Opens one stream per user over `replicas` (round robin), publishes, waits for every one. */
    const deliver = async (
      replicas: readonly RunningService[],
      count: number,
    ): Promise<Measurement> => {
      const delivered = new Tally();
      const logFrom = replicas.map((r) => r.output().length);
      const streams = await Promise.all(
        users.map((userId, i) => {
          const replica = replicas[i % replicas.length];
          if (!replica) throw new Error('no notifier replica');
          return openCounted(replica, userId, tokens.get(userId) ?? '', delivered);
        }),
      );
      try {
        const expected = new Map<string, number>(users.map((u) => [u, 0]));
        const batches = Array.from({ length: count }, (_, c) =>
          Array.from(
            { length: MENTIONS },
            (_, m) => users[(c * MENTIONS + m) % users.length] ?? '',
          ),
        );
        for (const mentioned of batches) {
          for (const userId of mentioned) expected.set(userId, (expected.get(userId) ?? 0) + 1);
        }
        const total = count * MENTIONS;
        const started = performance.now();
        await windowed(count, WINDOW, (c) =>
          publisher.publisher.publish(EVENT_TYPE, mentioning(batches[c] ?? [])),
        );
        await delivered.reach(total, budgetMs(total), 'live notifications');
        const seconds = (performance.now() - started) / 1_000;
        const wrong = streams.filter((s) => s.received() !== expected.get(s.userId));
        if (wrong.length > 0) {
          const first = wrong[0];
          throw new Error(
            `${wrong.length} streams received the wrong count (e.g. ${first?.userId}: ` +
              `${first?.received()} of ${expected.get(first?.userId ?? '')})`,
          );
        }
        // Retries show where the time went: a replica that lost the race for a user's seq too
        // often (SeqContention) sends the event to a wait queue.
        const lines = replicas.flatMap((r, i) =>
          r
            .output()
            .slice(logFrom[i])
            .split('\n')
            .filter((line) => line.includes('retrying later')),
        );
        const contended = lines.filter((line) => line.includes('SeqContention')).length;
        return { msgs: total, seconds, details: `${lines.length} (${contended} SeqContention)` };
      } finally {
        for (const stream of streams) stream.close();
      }
    };
    const warmCount = Math.max(10, Math.round(comments / 5));
    const one = (round: number) =>
      deliver(first.replicas('notifier'), round === 0 ? warmCount : comments);
    const two = async (round: number) => {
      // The second replica runs only for its rounds: while it runs it shares the notifier queue.
      second = await startSystem({ namespace, services: ['notifier'], env });
      try {
        return await deliver(
          [...first.replicas('notifier'), ...second.replicas('notifier')],
          round === 0 ? warmCount : comments,
        );
      } finally {
        await second.stop();
        second = undefined;
      }
    };
    const names = {
      one: `${STREAMS} streams on 1 notifier replica`,
      two: `${STREAMS} streams over 2 notifier replicas`,
    };
    const results = await interleave(ctx, 'live', [
      { name: names.one, run: one },
      { name: names.two, run: two },
    ]);
    const oneRuns = results.get(names.one) ?? [];
    const twoRow = summarise(names.two, results.get(names.two) ?? [], { baseline: oneRuns });
    return {
      name: 'live',
      title: liveBenchmark.title,
      method:
        `${STREAMS} users each hold one Server-Sent Events stream (GET /notifications/stream, its own ` +
        `socket), all on one notifier replica, or alternately on two. ${comments} comment.created events ` +
        `per round, each @mentioning ${MENTIONS} of the users in turn (${comments * MENTIONS} notifications), ` +
        `are published to the notifier's exchange (Herald publisher, ${WINDOW} in flight); the clock runs from ` +
        `the first publish until every stream has received each of its user's notifications. Rate = ` +
        `notifications delivered per second; each stream's count is checked exactly (none missing, none ` +
        `doubled). The second replica is started for its rounds only (it shares the notifier queue).`,
      rows: [
        summarise(names.one, oneRuns, { note: retriesNote(oneRuns) }),
        { ...twoRow, note: retriesNote(results.get(names.two) ?? []) },
      ],
      notes: [
        `Two replicas deliver ${fmtRatio(twoRow.ratio ?? NaN)}x what one does. Each stores the notifications ` +
          'of the events it consumes (numbering each within its user) and publishes them to the live exchange; ' +
          'every replica receives every notification on its own live queue, so the broker delivers each ' +
          "twice at two replicas, and two replicas numbering the same users' notifications contend for " +
          'their seqs.',
        "Both replicas share this machine's 2 cores with the broker and the store.",
      ],
    };
  },
};
