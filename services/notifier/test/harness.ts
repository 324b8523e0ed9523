import type { Db, MongoClient } from 'mongodb';
import { createTokenSigner, createTokenVerifier, generateKeyPair } from '@herald/auth';
import { Heartbeats, connectMongo } from '@herald/store';
import { mongoUrlForTest, testKeys, testLogger, uniqueNamespace } from '@herald/testkit';
import { LiveHub } from '../src/adapters/live-hub.js';
import { NotificationsCollection } from '../src/adapters/notifications-collection.js';
import { buildApp, type NotifierAppDeps } from '../src/app.js';
import type { Notification } from '../src/domain/notification.js';
import type { NotifierPorts } from '../src/domain/ports.js';

const signer = await createTokenSigner(testKeys.privateKeyPem);
const foreignSigner = await createTokenSigner(generateKeyPair().privateKeyPem);

/** An access token as the API would sign it. */
export function tokenFor(userId: string): Promise<string> {
  return signer.sign({ userId, handle: userId.replace(/\W/g, ''), name: userId });
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

/** A fresh database, store, hub and app per test; the clock is settable. */
export async function createHarness(
  options: Partial<Pick<NotifierAppDeps, 'stream' | 'logger'>> = {},
) {
  const namespace = uniqueNamespace('notifier');
  const { client, db }: { client: MongoClient; db: Db } = await connectMongo(
    mongoUrlForTest(namespace),
    'notifier-test',
  );
  const store = new NotificationsCollection(db);
  await store.ensureIndexes();
  const live = new LiveHub();
  let clock = new Date('2025-03-03T09:00:00.000Z');
  const now = () => clock;
  const verifier = await createTokenVerifier(testKeys.publicKeyPem);
  const deps: NotifierAppDeps = {
    logger: testLogger,
    readiness: {},
    notifications: store,
    live,
    verifier,
    now,
    ...options,
  };
  const app = buildApp(deps);
  const ports: NotifierPorts = { notifications: store, live, heartbeats: new Heartbeats(db), now };
  return {
    db,
    store,
    live,
    app,
    ports,
    deps,
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
      await app.close();
      await db.dropDatabase();
      await client.close();
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
