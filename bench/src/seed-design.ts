// The design Herald replaces, as its seed wrote it: one Node process with a fastify route that
// checks the token, reads the task and the memberships, inserts the comment and queues three
// BullMQ jobs (e-mail, notification, activity) on Redis; and, in the same process, the BullMQ
// workers that send the e-mail over SMTP and insert the notification and the feed entry.
// It reads the same documents Herald's API wrote (same store, same database) and writes to a
// database of its own. Built at its best: reads in parallel, the three adds at once, pooled SMTP,
// the workers' concurrency equal to Herald's consumers' prefetch.
import { randomUUID } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { fastify, type FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import { createTransport, type Transporter } from 'nodemailer';
import { callerOf, createTokenVerifier, type AccessClaims } from '@herald/auth';

/** The seed's three queues, one per kind of background work a comment makes. */
export const seedQueues = ['email', 'notification', 'activity'] as const;
export type SeedQueue = (typeof seedQueues)[number];

/** The BullMQ key prefix of a benchmark's queues (so its clean-up removes exactly those). */
export function seedPrefix(namespace: string): string {
  return `herald-bench-seed-${namespace}`;
}

interface Mentioned {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
}

/** What every job of one comment carries: enough to do its work without another read. */
export interface SeedJob {
  readonly commentId: string;
  readonly taskId: string;
  readonly workspaceId: string;
  readonly taskTitle: string;
  readonly body: string;
  readonly author: { readonly userId: string; readonly name: string };
  readonly mentions: readonly Mentioned[];
}

interface TaskDoc {
  _id: string;
  workspaceId: string;
  title: string;
}
/** What the seed writes: documents with string ids. */
interface Written {
  _id: string;
  [field: string]: unknown;
}
interface UserDoc {
  _id: string;
  email: string;
  name: string;
  handle: string;
}

const jobOptions = {
  removeOnComplete: true,
  removeOnFail: 1_000,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
} as const;

const handlesIn = (body: string) => [
  ...new Set(
    [...body.matchAll(/(?<![\w.@-])@([a-z0-9_.-]{2,32})/gi)].map((m) => m[1]?.toLowerCase() ?? ''),
  ),
];

/** The seed's HTTP app: `POST /tasks/:id/comments`, the one route Herald is compared on. */
export async function buildSeedApp(options: {
  readonly reads: Db;
  readonly writes: Db;
  readonly redis: ConnectionOptions;
  readonly prefix: string;
  readonly publicKeyPem: string;
}): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const verifier = await createTokenVerifier(options.publicKeyPem);
  const queues = seedQueues.map(
    (name) => new Queue<SeedJob>(name, { connection: options.redis, prefix: options.prefix }),
  );
  await Promise.all(queues.map((q) => q.waitUntilReady()));
  const tasks = options.reads.collection<TaskDoc>('tasks');
  const memberships = options.reads.collection<{ _id: string }>('memberships');
  const users = options.reads.collection<UserDoc>('users');
  const comments = options.writes.collection<Written>('comments');
  await comments.createIndex({ taskId: 1, createdAt: 1 });

  const app = fastify();
  const callers = new WeakMap<object, AccessClaims>();
  app.addHook('preHandler', async (request, reply) => {
    try {
      callers.set(request, await callerOf(request.headers, verifier));
    } catch {
      return reply.code(401).send({ error: 'unauthorized' });
    }
  });
  app.post<{ Params: { id: string }; Body: { body: string } }>(
    '/tasks/:id/comments',
    {
      schema: {
        body: {
          type: 'object',
          required: ['body'],
          additionalProperties: false,
          properties: { body: { type: 'string', minLength: 1, maxLength: 10_000 } },
        },
      },
    },
    async (request, reply) => {
      const caller = callers.get(request);
      if (!caller) return reply.code(401).send({ error: 'unauthorized' });
      const task = await tasks.findOne({ _id: request.params.id });
      if (!task) return reply.code(404).send({ error: 'no such task' });
      const { body } = request.body;
      const handles = handlesIn(body);
      const [membership, named] = await Promise.all([
        memberships.findOne({ _id: `${task.workspaceId}:${caller.userId}` }),
        handles.length > 0 ? users.find({ handle: { $in: handles } }).toArray() : [],
      ]);
      if (!membership) return reply.code(403).send({ error: 'not a member' });
      const joined = await Promise.all(
        named.map((u) => memberships.findOne({ _id: `${task.workspaceId}:${u._id}` })),
      );
      const mentions = named
        .filter((u, i) => joined[i] && u._id !== caller.userId)
        .map((u) => ({ userId: u._id, email: u.email, name: u.name }));
      const comment = {
        _id: randomUUID(),
        taskId: task._id,
        workspaceId: task.workspaceId,
        authorId: caller.userId,
        body,
        mentionIds: mentions.map((m) => m.userId),
        createdAt: new Date(),
      };
      await comments.insertOne(comment);
      const job: SeedJob = {
        commentId: comment._id,
        taskId: task._id,
        workspaceId: task.workspaceId,
        taskTitle: task.title,
        body,
        author: { userId: caller.userId, name: caller.name },
        mentions,
      };
      await Promise.all(queues.map((q) => q.add(q.name, job, jobOptions)));
      return reply.code(201).send({
        id: comment._id,
        taskId: comment.taskId,
        authorId: comment.authorId,
        body,
        mentionIds: comment.mentionIds,
        createdAt: comment.createdAt.toISOString(),
      });
    },
  );
  return {
    app,
    async close() {
      await app.close();
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}

/**
 * The seed's processors, in the same process as its route: one e-mail per mention over pooled
 * SMTP, one notification per mention, one feed entry per comment. `done` hears each finished job.
 */
export function startSeedWorkers(options: {
  readonly writes: Db;
  readonly redis: ConnectionOptions;
  readonly prefix: string;
  readonly smtpUrl: string;
  readonly onFailed: (error: Error) => void;
}): { close(): Promise<void> } {
  const mailer: Transporter = createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: 5,
  });
  const notifications = options.writes.collection<Written>('notifications');
  const feed = options.writes.collection<Written>('activity');
  const work: Record<SeedQueue, (job: SeedJob) => Promise<unknown>> = {
    email: (job) =>
      Promise.all(
        job.mentions.map((m) =>
          mailer.sendMail({
            from: 'Herald <noreply@herald.bench>',
            to: `${m.name} <${m.email}>`,
            subject: `${job.author.name} mentioned you on ${job.taskTitle}`,
            text: `${job.author.name} wrote:\n\n${job.body}`,
            html: `<p>${job.author.name} wrote:</p><blockquote>${job.body}</blockquote>`,
          }),
        ),
      ),
    notification: (job) =>
      job.mentions.length > 0
        ? notifications.insertMany(
            job.mentions.map((m) => ({
              _id: `${job.commentId}:${m.userId}`,
              userId: m.userId,
              kind: 'mention',
              title: `${job.author.name} mentioned you`,
              body: job.body,
              taskId: job.taskId,
              createdAt: new Date(),
              readAt: null,
            })),
          )
        : Promise.resolve(),
    activity: (job) =>
      feed.insertOne({
        _id: job.commentId,
        workspaceId: job.workspaceId,
        kind: 'comment.created',
        actor: job.author,
        taskId: job.taskId,
        summary: job.body.slice(0, 140),
        at: new Date(),
      }),
  };
  // Herald's consumers' defaults: the mailer takes 10 at a time, the notifier and activity 50.
  const concurrency: Record<SeedQueue, number> = { email: 10, notification: 50, activity: 50 };
  const workers = seedQueues.map((name) => {
    const worker = new Worker<SeedJob>(name, (job) => work[name](job.data), {
      connection: { ...options.redis, maxRetriesPerRequest: null },
      prefix: options.prefix,
      concurrency: concurrency[name],
    });
    worker.on('failed', (_job, error) => options.onFailed(error));
    worker.on('error', (error) => options.onFailed(error));
    return worker;
  });
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      mailer.close();
    },
  };
}

/** Empties the seed's queues (jobs left by a round with no workers), untimed. */
export async function clearSeedQueues(redis: ConnectionOptions, prefix: string): Promise<void> {
  for (const name of seedQueues) {
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
}
