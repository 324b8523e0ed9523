// Cost as data grows: the API's comment path and a consumer's path with 1k, 10k and 100k comments
// (and their events) already stored, each size in a database of its own seeded untimed straight
// into the store in the documents' own shape. The sizes are measured interleaved, one API process
// at a time (started for its round and stopped after), so no size's background work (the outbox
// relay's poll) runs beside another size's round.
import { randomUUID } from 'node:crypto';
import type { Channel } from 'amqplib';
import { MongoClient, type Db, type OptionalUnlessRequiredId } from 'mongodb';
import { serviceQueue, createEvent } from '@herald/contracts';
import { ProcessedEvents, idempotent, outboxFields } from '@herald/store';
import { mongoUrlForTest, startSmtpServer, startSystem } from '@herald/testkit';
import {
  interleave,
  met,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
  type Row,
} from './harness.js';
import {
  PREFETCH,
  bareConnect,
  barePublish,
  benchTopology,
  declareBenchTopology,
  eventExchange,
  openConsumer,
} from './herald.js';
import { answersFirst, processCpuMs, saturate } from './http-load.js';
import { EVENT_TYPE, commentEvent } from './payload.js';
import {
  commentBody,
  dropServiceDatabasesLater,
  serviceEnv,
  setUpWorkspace,
  waitForRelay,
  type BenchWorkspace,
} from './product.js';
import { benchDatabase, benchNamespace, copyDatabase, dropDatabaseLater } from './resources.js';

const SIZES = [1_000, 10_000, 100_000] as const;
/** Issue 14: the cost of a request (or a message) at 100k at most 1.3x the cost at 1k. */
const TARGET = 1 / 1.3;
const CONNECTIONS = 32;
const CONSUMERS = ['mailer', 'notifier', 'activity'] as const;
/** Seeded documents go in with this many per insertMany. */
const SEED_BATCH = 1_000;

async function insertInBatches<T extends { _id: string }>(
  db: Db,
  collection: string,
  count: number,
  make: (i: number) => T,
): Promise<void> {
  for (let start = 0; start < count; start += SEED_BATCH) {
    const docs = Array.from({ length: Math.min(SEED_BATCH, count - start) }, (_, i) =>
      make(start + i),
    );
    await db
      .collection<T>(collection)
      .insertMany(docs as OptionalUnlessRequiredId<T>[], { ordered: false });
  }
}

/**
 * `count` comments the API could have stored over the last hours, on 200 other tasks of the
 * workspace, each with its `comment.created` in the outbox and marked relayed (as the relay
 * leaves them), and the relay's watermark past them.
 */
async function seedComments(url: string, workspace: BenchWorkspace, count: number): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const db = client.db();
    const now = Date.now();
    const at = (i: number) => new Date(now - 3_600_000 + Math.floor((i * 3_000_000) / count));
    const eventIds: string[] = [];
    await insertInBatches(db, 'comments', count, (i) => {
      const createdAt = at(i);
      const id = randomUUID();
      const taskId = `seeded-task-${i % 200}`;
      const body = commentBody(workspace.member, `growth seeded-${i}`);
      const event = createEvent(
        'comment.created',
        {
          workspaceId: workspace.workspaceId,
          taskId,
          key: `BEN-${i % 200}`,
          title: 'An older task of the benchmark workspace',
          commentId: id,
          body,
          author: {
            userId: workspace.author.id,
            name: 'Ada Bench',
            handle: workspace.author.handle,
          },
          mentions: [
            {
              userId: workspace.member.id,
              email: workspace.member.email,
              name: 'Bob Bench',
              handle: workspace.member.handle,
            },
          ],
        },
        'api',
        { time: createdAt },
      );
      eventIds.push(event.id);
      return {
        _id: id,
        taskId,
        workspaceId: workspace.workspaceId,
        authorId: workspace.author.id,
        body,
        mentionIds: [workspace.member.id],
        createdAt,
        ...outboxFields([event], createdAt),
      };
    });
    await insertInBatches(db, 'outbox_relayed', count, (i) => ({
      _id: eventIds[i] ?? '',
      at: at(i),
    }));
    await db
      .collection<{ _id: string; watermark: Date }>('outbox_watermarks')
      .updateOne({ _id: 'comments' }, { $max: { watermark: at(count - 1) } }, { upsert: true });
  } finally {
    await client.close();
  }
}

/** Per-size rows: the first size is the baseline, the others carry the target. */
function growthRows(
  label: (size: number) => string,
  sizes: readonly number[],
  results: Map<string, Measurement[]>,
  note: (ms: readonly Measurement[]) => string,
): Row[] {
  const first = results.get(label(sizes[0] ?? 0)) ?? [];
  return sizes.map((size, i) => {
    const ms = results.get(label(size)) ?? [];
    return summarise(label(size), ms, {
      ...(i === 0 ? {} : { baseline: first, target: TARGET }),
      note: note(ms),
    });
  });
}

const costNote = (unit: string) => (ms: readonly Measurement[]) => {
  const row = summarise('', ms);
  const cpu = ms.filter((m) => m.cpuMs !== undefined);
  const cpuPer = cpu.length
    ? (cpu.reduce((sum, m) => sum + ((m.cpuMs ?? 0) * 1_000) / m.msgs, 0) / cpu.length).toFixed(0)
    : undefined;
  return `${(1e6 / row.median).toFixed(0)} µs/${unit} wall${cpuPer ? `, API CPU ${cpuPer} µs/${unit}` : ''}`;
};

export const growthBenchmark: Benchmark = {
  name: 'growth',
  title: 'Cost as data grows: the comment path and a consumer path at 1k / 10k / 100k stored',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const sizes = SIZES.map((size) => ctx.count(size, 100));
    const smtp = await startSmtpServer();
    ctx.defer('stop the SMTP server', () => smtp.close());
    const env = serviceEnv(smtp);

    // --- the product state, made once through the API and copied to every size's database
    const namespaces = sizes.map((size) => benchNamespace(ctx, `growth-${size}`));
    const [first] = namespaces;
    if (!first) throw new Error('no sizes');
    dropServiceDatabasesLater(ctx, first, ['mailer', 'api']);
    const setup = await startSystem({ namespace: first, services: ['mailer', 'api'], env });
    let workspace: BenchWorkspace;
    try {
      const api = setup.services.api;
      if (!api) throw new Error('the api did not start');
      workspace = await setUpWorkspace(api.url, smtp);
    } finally {
      await setup.stop();
    }
    const apiDb = (namespace: string) => mongoUrlForTest(`${namespace}api`);
    for (const namespace of namespaces.slice(1)) {
      dropDatabaseLater(ctx, apiDb(namespace));
      await copyDatabase(apiDb(first), apiDb(namespace));
    }
    for (const [i, size] of sizes.entries()) {
      ctx.log(`growth: seeding ${size} comments`);
      await seedComments(apiDb(namespaces[i] ?? ''), workspace, size);
    }

    // Each size's consumer queues exist, so its comment.created is routed as in production.
    const admin = await bareConnect(ctx.servers.rabbitmq, `${first}admin`);
    ctx.defer('close the admin connection', () => admin.close());
    for (const namespace of namespaces) {
      for (const service of CONSUMERS) {
        await declareBenchTopology(admin, serviceQueue(service, { namespace }));
      }
    }
    const channel: Channel = await admin.createChannel();
    const measuredTask = workspace.taskId;

    const seconds = Math.max(2, 8 * ctx.scale);
    const apiRound = (index: number) => async (): Promise<Measurement> => {
      const namespace = namespaces[index] ?? '';
      const queues = CONSUMERS.map((s) => serviceQueue(s, { namespace }).queue);
      const system = await startSystem({ namespace, services: ['api'], env });
      try {
        const api = system.services.api;
        const pid = api?.process.pid;
        if (!api || !pid) throw new Error('the api did not start');
        const request = {
          origin: api.url,
          path: `/tasks/${measuredTask}/comments`,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await workspace.author.token()}`,
          },
          body: JSON.stringify({ body: commentBody(workspace.member) }),
        };
        const settle = async (posted: number) => {
          await waitForRelay(channel, queues[1] ?? '', posted);
          for (const queue of queues) await channel.purgeQueue(queue);
        };
        // A fresh process: it answers once, then its JIT warms on an untimed burst.
        await answersFirst(request, 201);
        const warm = await saturate(request, { connections: CONNECTIONS, seconds: 2, status: 201 });
        await settle(warm.msgs);
        const cpu = await processCpuMs(pid);
        const m = await saturate(request, { connections: CONNECTIONS, seconds, status: 201 });
        await settle(m.msgs);
        return { ...m, cpuMs: (await processCpuMs(pid)) - cpu };
      } finally {
        await system.stop();
        // The round's own comments go, so every round of a size sees the size it was seeded with.
        const client = new MongoClient(apiDb(namespace));
        try {
          await client.db().collection('comments').deleteMany({ taskId: measuredTask });
        } finally {
          await client.close();
        }
      }
    };
    const apiName = (size: number) => `API POST /tasks/:id/comments, ${size} comments stored`;
    const apiResults = await interleave(
      ctx,
      'growth',
      sizes.map((size, i) => ({ name: apiName(size), run: apiRound(i) })),
      // Every round is a fresh API process that warms itself up first.
      { warmup: false },
    );

    // --- a consumer's path: Herald's Consumer + ProcessedEvents + one feed entry per event, on
    // databases holding `size` records, claims and feed entries already.
    // A namespace per size: each prefill reaches its own queue only.
    const consumerNamespaces = new Map(
      sizes.map((size) => [size, benchNamespace(ctx, `growth-consumer-${size}`)]),
    );
    const stores = new Map<number, Db>();
    for (const [size, namespace] of consumerNamespaces) {
      const { db } = await benchDatabase(ctx, namespace);
      const feed = db.collection('feed');
      await feed.createIndex({ workspaceId: 1, at: -1, _id: -1 });
      await feed.createIndex({ at: 1 });
      // ProcessedEvents' collections get their indexes (the _id's) on first insert, like a service's.
      ctx.log(`growth: seeding a consumer's store with ${size} events`);
      const then = new Date(Date.now() - 3_600_000);
      const ids = Array.from({ length: size }, () => randomUUID());
      await insertInBatches(db, 'processed_events', size, (i) => ({
        _id: `bench:${ids[i] ?? ''}`,
        consumer: 'bench',
        eventId: ids[i] ?? '',
        processedAt: then,
      }));
      await insertInBatches(db, 'processed_event_claims', size, (i) => ({
        _id: `bench:${ids[i] ?? ''}`,
        owner: 'bench:0',
        claimedAt: then,
        leaseUntil: then,
      }));
      await insertInBatches(db, 'feed', size, (i) => feedEntry(ids[i] ?? '', 'seeded', then));
      stores.set(size, db);
    }
    const filler = await bareConnect(ctx.servers.rabbitmq, `${first}prefill`);
    ctx.defer('close the prefill connection', () => filler.close());
    const prefill = await filler.createConfirmChannel();
    const messages = ctx.count(6_000);
    const consumerRound = (size: number) => async (): Promise<Measurement> => {
      const db = stores.get(size);
      const namespace = consumerNamespaces.get(size);
      if (!db || !namespace) throw new Error(`no store for ${size}`);
      const topology = benchTopology(namespace, 'consumer');
      await declareBenchTopology(filler, topology);
      await barePublish({
        channel: prefill,
        exchange: eventExchange(namespace),
        routingKey: EVENT_TYPE,
        count: messages,
        body: () => Buffer.from(JSON.stringify(commentEvent())),
      });
      const processed = new ProcessedEvents(db);
      const feed = db.collection<ReturnType<typeof feedEntry>>('feed');
      const since = new Date();
      const consumer = await openConsumer({
        url: ctx.servers.rabbitmq,
        topology,
        name: `${namespace}consumer`,
        handler: idempotent(processed, 'bench', async (event) => {
          await feed.insertOne(feedEntry(event.id, 'bench', new Date()));
        }),
        start: false,
      });
      try {
        const started = performance.now();
        await consumer.consumer.start();
        await consumer.acked.reach(messages, 120_000 + messages * 10, `consumer at ${size}`);
        return { msgs: messages, seconds: (performance.now() - started) / 1_000 };
      } finally {
        await consumer.close(120_000);
        // The round's own documents go, so every round sees the size the store was seeded with.
        await db.collection('processed_events').deleteMany({ processedAt: { $gte: since } });
        await db.collection('processed_event_claims').deleteMany({ claimedAt: { $gte: since } });
        await feed.deleteMany({ workspaceId: 'bench' });
      }
    };
    const consumerName = (size: number) => `Consumer + dedupe + feed insert, ${size} events stored`;
    const consumerResults = await interleave(
      ctx,
      'growth',
      sizes.map((size) => ({ name: consumerName(size), run: consumerRound(size) })),
    );

    const rows = [
      ...growthRows(apiName, sizes, apiResults, costNote('req')),
      ...growthRows(consumerName, sizes, consumerResults, costNote('msg')),
    ];
    const largest = sizes.at(-1) ?? 0;
    const verdicts = rows
      .filter((r) => r.target !== undefined && r.variant.includes(` ${largest} `))
      .map(
        (r) =>
          `${r.variant}: cost ${(1 / (r.ratio ?? NaN)).toFixed(2)}x the ${sizes[0]} one: ` +
          `${met(r) ? 'meets' : 'does NOT meet'} the <= 1.3x target`,
      );
    return {
      name: 'growth',
      title: growthBenchmark.title,
      method:
        `API: the product state (Ada, Bob, a workspace, a task) is made once through the API, copied to a ` +
        `database per size, and each gets ${sizes.join(' / ')} comments on 200 older tasks written straight ` +
        `into the store as the API writes them (the comment, its comment.created in the outbox, the relayed ` +
        `mark, the relay's watermark). Each round starts the api service on one size's database, warms it ` +
        `with 2 s of load, then autocannon at ${CONNECTIONS} connections for ${seconds} s (the comment ` +
        `@mentions Bob), waits untimed for the relay to publish the round's events, stops the API and deletes ` +
        `the round's comments. Consumer: Herald's Consumer with ProcessedEvents dedupe and one feed-entry ` +
        `insert per event (the activity service's document and indexes), on a database per size seeded ` +
        `with that many processed-event records, claims and feed entries; each round drains ${messages} ` +
        `prefilled events at prefetch ${PREFETCH} and deletes what it added. Ratio = rate ÷ the ` +
        `${sizes[0]} rate, so >= ${TARGET.toFixed(2)} is a cost at most 1.3x.`,
      rows,
      notes: [
        ...verdicts,
        'The consumers of the API rows do not run: their queues are declared (so every event is routed to ' +
          'three quorum queues) and emptied after each round.',
      ],
    };
  },
};

function feedEntry(eventId: string, workspaceId: string, at: Date) {
  return {
    _id: eventId,
    eventId,
    workspaceId,
    type: 'comment.created',
    actor: { userId: 'u-5a7c1e93-bench', name: 'Ada Bench' },
    summary: 'Ada Bench commented on WS-1024 Benchmark the event pipeline against the bare client',
    subject: { taskId: 'task-6d1e9b47-bench', key: 'WS-1024', title: 'Benchmark the pipeline' },
    at,
  };
}
