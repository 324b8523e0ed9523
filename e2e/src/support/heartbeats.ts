import { BrokerConnection, Consumer } from '@herald/bus';
import { queueTopology } from '@herald/contracts';
import { ProcessedEvents, connectMongo, storeOutage } from '@herald/store';
import { eventually, mongoUrlForTest, servers, testLogger } from '@herald/testkit';

/** A scheduler replica's env: `system.heartbeat` every second, catch-up, a short lease. */
export function heartbeatSchedulerEnv(options: {
  readonly namespace: string;
  readonly mongoUrl: string;
  readonly leaseTtlMs: number;
  readonly renewMs: number;
}): Record<string, string> {
  return {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: options.namespace,
    MONGO_URL: options.mongoUrl,
    LEASE_TTL_MS: String(options.leaseTtlMs),
    LEASE_RENEW_MS: String(options.renewMs),
    TICK_MS: '100',
    SCHEDULES: JSON.stringify([
      {
        name: 'heartbeat',
        cron: '* * * * * *',
        timezone: 'UTC',
        misfire: 'catch-up',
        event: 'system.heartbeat',
      },
    ]),
  };
}

/** What a heartbeat consumer saw: every delivery, and each slot's effect count after dedupe. */
export interface HeartbeatProbe {
  readonly deliveries: readonly { readonly slot: string; readonly token: number }[];
  readonly effects: ReadonlyMap<string, number>;
  /**
   * Waits until the newest delivered slot has had its effect; returns the slots seen, in order,
   * and the one-second slots between the first and the last that were never seen.
   */
  settle(): Promise<{ slots: string[]; skipped: string[] }>;
  /** True while the probe's consumer is subscribed. */
  consuming(): boolean;
  stop(): Promise<void>;
}

/**
 * A consumer of the scheduler's heartbeats that deduplicates by event id like every Herald
 * consumer (ProcessedEvents in a database of its own), so a test can count each slot's effects.
 */
export async function startHeartbeatProbe(namespace: string): Promise<HeartbeatProbe> {
  const deliveries: { slot: string; token: number }[] = [];
  const effects = new Map<string, number>();
  const { client, db } = await connectMongo(mongoUrlForTest(`${namespace}probe`), 'probe');
  const processed = new ProcessedEvents(db);
  await processed.ensureIndexes();
  const connection = new BrokerConnection({
    url: servers.rabbitmq,
    name: `${namespace}probe`,
    logger: testLogger,
  });
  connection.start();
  const consumer = new Consumer({
    connection,
    topology: queueTopology({ queue: 'probe', consumes: ['system.heartbeat'], namespace }),
    name: 'probe',
    logger: testLogger,
    // Like every Herald consumer, it waits out a store outage instead of spending its retries.
    outage: storeOutage(db),
  });
  consumer.on('system.heartbeat', async (event, { log }) => {
    deliveries.push({ slot: event.data.slot, token: event.data.fencingToken });
    await processed.once(
      'probe',
      event.id,
      async () => {
        effects.set(event.data.slot, (effects.get(event.data.slot) ?? 0) + 1);
      },
      log,
    );
  });
  await consumer.start();
  await eventually('probe subscribed', () => consumer.consuming);
  return {
    deliveries,
    effects,
    async settle() {
      const last = deliveries
        .map((d) => d.slot)
        .sort()
        .at(-1);
      if (last === undefined) throw new Error('no heartbeat was delivered');
      await eventually('the last heartbeat handled', () => effects.has(last), 60_000);
      const slots = [...effects.keys()].sort();
      const seen = new Set(slots);
      const skipped: string[] = [];
      for (let at = Date.parse(slots[0]!); at <= Date.parse(slots.at(-1)!); at += 1_000) {
        const slot = new Date(at).toISOString();
        if (!seen.has(slot)) skipped.push(slot);
      }
      return { slots, skipped };
    },
    consuming: () => consumer.consuming,
    async stop() {
      await consumer.stop();
      await connection.close();
      await db.dropDatabase();
      await client.close();
    },
  };
}
