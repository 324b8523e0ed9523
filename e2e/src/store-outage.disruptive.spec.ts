// The store goes away for longer than the consumer's whole retry budget while events keep
// arriving: the notifier pauses instead of dead-lettering, and delivers everything once after.
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDeadLetters } from '@herald/bus';
import { serviceQueue } from '@herald/contracts';
import {
  deleteNamespace,
  eventually,
  isReady,
  restartStore,
  startSystem,
  uniqueNamespace,
  type RunningSystem,
} from '@herald/testkit';
import { TestProducer } from './support/producer.js';

const namespace = uniqueNamespace('storeout');
/** Three attempts 200 ms and 400 ms apart: each failing on an unreachable store within ~5 s. */
const retry = { RETRY_DELAYS_MS: '200,400', RETRY_MAX_ATTEMPTS: '3' };
/** Well past the budget: 0.6 s of waits plus three server-selection timeouts of 5 s. */
const downMs = 30_000;
let system: RunningSystem;
let producer: TestProducer;
let outage: Promise<void> | undefined;

beforeAll(async () => {
  system = await startSystem({ namespace, services: ['notifier'], env: retry });
  producer = new TestProducer(namespace);
});

afterAll(async () => {
  await outage?.catch(() => undefined); // whatever happened above, leave the store running
  await system.stop();
  await producer.close();
  await deleteNamespace(namespace);
});

interface Readiness {
  checks: { broker: boolean; store: boolean };
}

async function readiness(): Promise<Readiness | undefined> {
  const response = await fetch(`${system.services.notifier!.url}/readyz`, {
    signal: AbortSignal.timeout(8_000),
  }).catch(() => undefined);
  return response ? ((await response.json()) as Readiness) : undefined;
}

it('pauses the consumer while the store is down: nothing dead-lettered, every notification once after', async () => {
  const notifier = system.services.notifier!;
  const publisher = await producer.publisher('api', ['user.registered']);
  const users: string[] = [];
  const register = async () => {
    const n = users.length;
    users.push(`u-${n}`);
    await publisher.publish('user.registered', {
      userId: `u-${n}`,
      email: `user${n}@example.test`,
      name: `User ${n}`,
      handle: `user${n}`,
    });
  };
  for (let i = 0; i < 3; i++) await register();

  outage = restartStore(downMs);
  await eventually('the store is gone', async () => (await readiness())?.checks.store === false);
  // Events keep arriving during the outage.
  for (let i = 0; i < 10; i++) {
    await register();
    await new Promise((r) => setTimeout(r, 500));
  }
  // The store check fails by itself; the consumer's own check must drop too.
  await eventually(
    'the consumer reads not ready',
    async () => (await readiness())?.checks.broker === false,
    15_000,
  );
  await outage;

  await eventually('ready again', () => isReady(notifier), 60_000);
  const client = new MongoClient(system.mongoUrl('notifier'));
  try {
    const notifications = client.db().collection<{ userId: string }>('notifications');
    const welcomed = async () =>
      (await notifications.find({ kind: 'welcome' }).toArray()).map((n) => n.userId);
    await eventually(
      'every notification',
      async () => (await welcomed()).length >= users.length,
      90_000,
    ).catch(() => undefined); // the assertions below say what is missing, and where it went
    await producer.connection.waitUntilConnected(10_000);
    const topology = serviceQueue('notifier', { namespace });
    const dead = await listDeadLetters(producer.connection.current!, topology);
    expect({
      welcomed: (await welcomed()).sort(),
      deadLettered: dead.map((d) => `${d.messageId}: ${d.kind} ${d.error}`),
    }).toEqual({ welcomed: [...users].sort(), deadLettered: [] });
  } finally {
    await client.close();
  }
  const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
  expect(metrics).toMatch(/^herald_consumer_pauses_total\{[^}]*\} [1-9]/m);
  expect(metrics).toMatch(/^herald_messages_requeued_total\{[^}]*cause="outage"[^}]*\} [1-9]/m);
  expect(metrics).not.toMatch(/^herald_messages_dead_lettered_total\{[^}]*\} [1-9]/m);
  expect(system.unexpectedExits()).toEqual([]);
});
