import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectMongo } from '@herald/store';
import {
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  schedulerLeader,
  schedulerStatus,
  startService,
  uniqueNamespace,
  type RunningService,
} from '@herald/testkit';
import {
  heartbeatSchedulerEnv,
  startHeartbeatProbe,
  type HeartbeatProbe,
} from './support/heartbeats.js';

const namespace = uniqueNamespace('sched');
const leaseTtlMs = 3_000;
const renewMs = 1_000;
const timeoutMs = leaseTtlMs * 4;
const schedulerEnv = heartbeatSchedulerEnv({
  namespace,
  mongoUrl: mongoUrlForTest(`${namespace}scheduler`),
  leaseTtlMs,
  renewMs,
});

let probe: HeartbeatProbe;
let replicas: RunningService[] = [];

beforeAll(async () => {
  probe = await startHeartbeatProbe(namespace);
});

afterAll(async () => {
  for (const r of replicas) await r.stop('SIGKILL');
  await probe.stop();
  const { client, db } = await connectMongo(schedulerEnv.MONGO_URL!, 'cleanup');
  await db.dropDatabase();
  await client.close();
  await deleteNamespace(namespace);
});

// Three processes and four forced failovers: allow for a slow, busy machine.
it(
  'keeps firing every slot once through SIGKILLed and SIGSTOPped leaders',
  { timeout: 180_000 },
  async () => {
    let next = 1;
    const start = () =>
      startService('scheduler', { ...schedulerEnv, HOLDER_ID: `replica-${next++}` });
    replicas = await Promise.all([start(), start(), start()]);
    await eventually('first slots', () => probe.deliveries.length >= 3, 15_000);

    const failovers: number[] = [];
    for (let round = 0; round < 2; round++) {
      // A crash: the leader dies without releasing its lease.
      const killed = await schedulerLeader(replicas, { timeoutMs });
      const killedAt = Date.now();
      await killed.service.stop('SIGKILL');
      const successor = await schedulerLeader(replicas, { excluding: killed.service, timeoutMs });
      failovers.push(Date.now() - killedAt);
      expect(successor.token).toBeGreaterThan(killed.token);
      replicas = [...replicas.filter((r) => r !== killed.service), await start()];
      await new Promise((r) => setTimeout(r, 1_500));

      // A pause longer than the lease: the others take over; on waking it must not emit as leader.
      const paused = await schedulerLeader(replicas, { timeoutMs });
      paused.service.process.kill('SIGSTOP');
      const pausedAt = Date.now();
      const replacement = await schedulerLeader(replicas, { excluding: paused.service, timeoutMs });
      failovers.push(Date.now() - pausedAt);
      expect(replacement.token).toBeGreaterThan(paused.token);
      await new Promise((r) => setTimeout(r, leaseTtlMs));
      paused.service.process.kill('SIGCONT');
      await new Promise((r) => setTimeout(r, 1_500));
      const awake = await schedulerStatus(paused.service);
      expect(awake?.leader).toBe(false);
    }

    for (const r of replicas) await r.stop('SIGTERM');
    const { slots, skipped } = await probe.settle();
    // Every second between the first and the last fired slot was emitted at least once ...
    expect(skipped).toEqual([]);
    // ... and seen by the consumer exactly once, however often it was delivered.
    expect([...probe.effects.values()].every((n) => n === 1)).toBe(true);
    // Fencing: the token that fired a slot never goes backwards as slots advance.
    const firstToken = new Map<string, number>();
    for (const d of probe.deliveries) if (!firstToken.has(d.slot)) firstToken.set(d.slot, d.token);
    const tokens = slots.map((s) => firstToken.get(s)!);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    // Failover within the lease time (plus one renewal round to notice).
    for (const ms of failovers) expect(ms).toBeLessThanOrEqual(leaseTtlMs + renewMs + 1_000);
    console.info(
      `scheduler failover: ${slots.length} slots, ${probe.deliveries.length} deliveries, failovers ${failovers.join(', ')} ms`,
    );
  },
);
