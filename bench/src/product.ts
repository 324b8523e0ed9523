// Herald's services as processes for the HTTP benchmarks, and the product state they comment in:
// an author and a member of one workspace and a task, made through the API as a user would.
import type { Channel } from 'amqplib';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTokenSigner } from '@herald/auth';
import {
  HeraldClient,
  acceptPathMailedTo,
  verificationMailedVia,
  mongoUrlForTest,
  startSystem,
  testKeys,
  type RunningSystem,
  type ServiceName,
  type TestSmtpServer,
} from '@herald/testkit';
import { budgetMs, type BenchContext } from './harness.js';
import { dropDatabaseLater } from './resources.js';

/** The environment every benchmark gives Herald's services, besides what startSystem sets. */
export function serviceEnv(smtp: TestSmtpServer): Record<string, string> {
  return {
    SMTP_URL: smtp.url,
    PUBLIC_URL: 'http://herald.bench',
    // The benchmark is one client IP sending thousands of requests a second.
    RATE_LIMIT_MAX: '1000000000',
    // Per-request info lines would be piped into this process (testkit keeps them) and cost it
    // CPU it needs for the load; warnings and errors still show up.
    LOG_LEVEL: 'warn',
  };
}

/** Drops the databases `services` get in `namespace` when the benchmark ends. */
export function dropServiceDatabasesLater(
  ctx: BenchContext,
  namespace: string,
  services: readonly ServiceName[],
): void {
  // The URL startSystem gives each service; known before start-up, so an interrupted one is dropped.
  for (const service of services) dropDatabaseLater(ctx, mongoUrlForTest(`${namespace}${service}`));
}

/**
 * Starts `services` in `namespace` (`replicas` of each, default 1) with the SMTP server as their
 * mail server; their databases are dropped and the processes stopped when the benchmark ends.
 */
export async function startBenchSystem(
  ctx: BenchContext,
  options: {
    readonly namespace: string;
    readonly services: readonly ServiceName[];
    readonly smtp: TestSmtpServer;
    readonly replicas?: Partial<Record<ServiceName, number>>;
  },
): Promise<RunningSystem> {
  dropServiceDatabasesLater(ctx, options.namespace, options.services);
  const system = await startSystem({
    namespace: options.namespace,
    services: options.services,
    ...(options.replicas ? { replicas: options.replicas } : {}),
    env: serviceEnv(options.smtp),
  });
  ctx.defer('stop the services', () => system.stop());
  return system;
}

/**
 * After a burst of comments (untimed): waits until the API's outbox relay has published `posted`
 * events to `queue` (it holds at least that many and stops growing), so no round's publishing
 * spills into the next one's clock. Resolves with the seconds it took to get there.
 */
export async function waitForRelay(
  channel: Channel,
  queue: string,
  posted: number,
): Promise<number> {
  const started = performance.now();
  const deadline = started + budgetMs(posted);
  let last = -1;
  let stable = 0;
  let reachedAt: number | undefined;
  while (stable < 3) {
    if (performance.now() > deadline) {
      throw new Error(`outbox not drained: ${queue} holds ${last}, expected >= ${posted}`);
    }
    await sleep(100);
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount >= posted) reachedAt ??= performance.now();
    stable = messageCount >= posted && messageCount === last ? stable + 1 : 0;
    last = messageCount;
  }
  return ((reachedAt ?? started) - started) / 1_000;
}

export interface Member {
  readonly id: string;
  readonly email: string;
  readonly handle: string;
  /** A valid access token (they live 15 minutes; a new one is made after 10). */
  token(): Promise<string>;
}

export interface BenchWorkspace {
  readonly workspaceId: string;
  readonly taskId: string;
  readonly author: Member;
  /** The workspace member every benchmark comment @mentions. */
  readonly member: Member;
}

const password = 'correct horse battery staple';

/**
 * Signs up through the API. Later tokens are signed here with the key every service started by
 * testkit trusts, the claims the API puts in them: a benchmark outlives the API that set it up
 * (several start and stop the API between rounds) and a token's 15 minutes.
 */
async function signUp(
  api: HeraldClient,
  smtp: TestSmtpServer,
  handle: string,
  name: string,
): Promise<Member> {
  const email = `${handle}@bench.test`;
  const person = await api.signUp(
    { email, name, handle, password },
    { verify: verificationMailedVia(smtp) },
  );
  const signer = await createTokenSigner(testKeys.privateKeyPem);
  let token = person.session.accessToken;
  let issued = Date.now();
  return {
    id: person.id,
    email,
    handle,
    async token() {
      if (Date.now() - issued > 10 * 60_000) {
        token = await signer.sign({ userId: person.id, handle, name });
        issued = Date.now();
      }
      return token;
    },
  };
}

/**
 * Ada and Bob, Bob invited by Ada and joined through the link in his invite e-mail (so the mailer
 * must be running), and one task of Ada's.
 */
export async function setUpWorkspace(
  apiUrl: string,
  smtp: TestSmtpServer,
): Promise<BenchWorkspace> {
  const api = new HeraldClient(apiUrl);
  const author = await signUp(api, smtp, 'ada', 'Ada Bench');
  const member = await signUp(api, smtp, 'bob', 'Bob Bench');
  const asAuthor = api.as(await author.token());
  const { id: workspaceId } = await asAuthor.expect<{ id: string }>(201, 'POST', '/workspaces', {
    name: 'Benchmarks',
  });
  await asAuthor.expect(201, 'POST', `/workspaces/${workspaceId}/invites`, {
    email: member.email,
  });
  const accept = await acceptPathMailedTo(smtp, member.email);
  await api.as(await member.token()).expect(200, 'POST', accept);
  const { id: taskId } = await asAuthor.expect<{ id: string }>(
    201,
    'POST',
    `/workspaces/${workspaceId}/tasks`,
    { title: 'Measure the comment pipeline under load' },
  );
  return { workspaceId, taskId, author, member };
}

/** What a reviewer writes: a sentence or two that @mentions the member, tagged with `ref`. */
export function commentBody(member: Pick<Member, 'handle'>, ref = ''): string {
  return (
    `${ref ? `[${ref}] ` : ''}@${member.handle} could you review the retry path before Friday? ` +
    'The wait queue expiry still needs a test, and a replayed dead letter should keep its trace.'
  );
}
