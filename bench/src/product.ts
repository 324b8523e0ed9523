// Herald's services as processes for the HTTP benchmarks, and the product state they comment in:
// an author and a member of one workspace and a task, made through the API as a user would.
import {
  HeraldClient,
  acceptPathMailedTo,
  mongoUrlForTest,
  startSystem,
  type RunningSystem,
  type ServiceName,
  type TestSmtpServer,
} from '@herald/testkit';
import type { BenchContext } from './harness.js';
import { dropDatabaseLater } from './resources.js';

/**
 * Starts `services` in `namespace` with the SMTP server as their mail server; their databases are
 * dropped and the processes stopped when the benchmark ends.
 */
export async function startBenchSystem(
  ctx: BenchContext,
  options: {
    readonly namespace: string;
    readonly services: readonly ServiceName[];
    readonly smtp: TestSmtpServer;
  },
): Promise<RunningSystem> {
  // The URL startSystem gives each service; known before start-up, so an interrupted one is dropped.
  for (const service of options.services) {
    dropDatabaseLater(ctx, mongoUrlForTest(`${options.namespace}${service}`));
  }
  const system = await startSystem({
    namespace: options.namespace,
    services: options.services,
    env: {
      SMTP_URL: options.smtp.url,
      PUBLIC_URL: 'http://herald.bench',
      // The benchmark is one client IP sending thousands of requests a second.
      RATE_LIMIT_MAX: '1000000000',
      // Per-request info lines would be piped into this process (testkit keeps them) and cost it
      // CPU it needs for the load; warnings and errors still show up.
      LOG_LEVEL: 'warn',
    },
  });
  ctx.defer('stop the services', () => system.stop());
  return system;
}

export interface Member {
  readonly id: string;
  readonly email: string;
  readonly handle: string;
  /** A valid access token (they live 15 minutes; a new one is fetched after 10). */
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

async function signUp(api: HeraldClient, handle: string, name: string): Promise<Member> {
  const email = `${handle}@bench.test`;
  const person = await api.signUp({ email, name, handle, password });
  let token = person.session.accessToken;
  let issued = Date.now();
  return {
    id: person.id,
    email,
    handle,
    async token() {
      if (Date.now() - issued > 10 * 60_000) {
        const session = await api.expect<{ accessToken: string }>(200, 'POST', '/auth/login', {
          email,
          password,
        });
        token = session.accessToken;
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
  const author = await signUp(api, 'ada', 'Ada Bench');
  const member = await signUp(api, 'bob', 'Bob Bench');
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
