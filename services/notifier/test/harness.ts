import { MongoClient } from 'mongodb';
import { createTokenSigner, generateKeyPair } from '@herald/auth';
import { runShutdownSteps, type Logger } from '@herald/runtime';
import {
  deleteNamespace,
  mongoUrlForTest,
  servers,
  testKeys,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { loadConfig, type NotifierConfig } from '../src/config.js';
import type { Notification } from '../src/domain/notification.js';
import { createNotifier } from '../src/notifier.js';
import type { StreamOptions } from '../src/routes/stream.js';

const signer = await createTokenSigner(testKeys.privateKeyPem);
const foreignSigner = await createTokenSigner(generateKeyPair().privateKeyPem);

/** An access token as the API would sign it. */
export function tokenFor(userId: string): Promise<string> {
  return signer.sign({ userId, handle: userId.replace(/\W/g, ''), name: userId });
}

/** An access token that expires after `seconds`. */
export async function shortLivedToken(userId: string, seconds: number): Promise<string> {
  const short = await createTokenSigner(testKeys.privateKeyPem, seconds);
  return short.sign({ userId, handle: userId.replace(/\W/g, ''), name: userId });
}

/** Tokens the notifier must refuse, each for a different reason. */
export async function badTokens(
  userId: string,
): Promise<{ tampered: string; foreign: string; garbage: string }> {
  const good = await tokenFor(userId);
  const [header, , signature] = good.split('.');
  const claims = Buffer.from(JSON.stringify({ sub: 'someone-else' })).toString('base64url');
  return {
    tampered: `${header}.${claims}.${signature}`,
    foreign: await foreignSigner.sign({ userId, handle: 'x', name: 'x' }),
    garbage: 'not.a.token',
  };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** A notifier's configuration for one test: its own namespace and database, short timings. */
export function testConfig(namespace: string, env: Record<string, string> = {}): NotifierConfig {
  return loadConfig({
    RABBITMQ_URL: servers.rabbitmq,
    MONGO_URL: mongoUrlForTest(namespace),
    HERALD_NAMESPACE: namespace,
    JWT_PUBLIC_KEY: testKeys.publicKeyPem,
    RETRY_DELAYS_MS: '200',
    PRESENCE_HEARTBEAT_MS: '200',
    PRESENCE_EXPIRY_MS: '2000',
    ...env,
  });
}

/**
 * A notifier replica per test, on a fresh namespace and database; the clock is settable. With
 * `broker: true` it is started (live queue, publisher, consumer); without, only its store and
 * HTTP routes are used.
 */
export async function createHarness(
  options: {
    readonly stream?: StreamOptions;
    readonly logger?: Logger;
    readonly broker?: boolean;
  } = {},
) {
  const namespace = uniqueNamespace('notifier');
  let clock = new Date('2025-03-03T09:00:00.000Z');
  const notifier = await createNotifier(testConfig(namespace), {
    logger: options.logger ?? testLogger,
    replicaId: `${namespace}r1`,
    now: () => clock,
    ...(options.stream ? { stream: options.stream } : {}),
  });
  if (options.broker) await notifier.start();
  const { app, db, hub, ports } = notifier;
  return {
    namespace,
    notifier,
    db,
    store: notifier.notifications,
    hub,
    app,
    ports,
    setClock(at: Date) {
      clock = at;
    },
    /** Listens on a free port and answers the base URL, for clients that need a real socket. */
    async listen(): Promise<string> {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('not listening on TCP');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await runShutdownSteps(notifier.shutdown, testLogger);
      const client = await MongoClient.connect(servers.mongo);
      await client.db(db.databaseName).dropDatabase();
      await client.close();
      if (options.broker) await deleteNamespace(namespace);
    },
  };
}
export type Harness = Awaited<ReturnType<typeof createHarness>>;

/** A stored-looking notification; `at` in ms since the epoch, so tests can make ties. */
export function aNotification(userId: string, n: number, at: number): Notification {
  return {
    id: `evt-${String(n).padStart(3, '0')}:${userId}`,
    userId,
    kind: 'mentioned',
    title: `Notification ${n}`,
    body: `Body ${n}`,
    link: { workspaceId: 'w-1', taskId: `t-${n}` },
    eventId: `evt-${n}`,
    createdAt: new Date(at),
    readAt: null,
  };
}

/** Inbox order: newest first, ties by id descending. */
export function inboxOrder(notifications: readonly Notification[]): string[] {
  return [...notifications]
    .sort(
      (a, b) =>
        b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    .map((n) => n.id);
}
