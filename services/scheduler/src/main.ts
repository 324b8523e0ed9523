// Composition root: config, store, broker, leader election, the firing loop, HTTP, signals.
import { BrokerConnection, Publisher } from '@herald/bus';
import { services, slotEventId } from '@herald/contracts';
import { createLogger, onShutdown } from '@herald/runtime';
import { stopTracing } from '@herald/telemetry';
import { connectMongo, mongoReachable, startPruning } from '@herald/store';
import { LeaseCollection } from './adapters/lease-collection.js';
import { probePipeline } from './adapters/pipeline-probe.js';
import { SlotLedgerCollection } from './adapters/slot-ledger-collection.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { Firing } from './domain/firing.js';
import { LeaderElector } from './domain/leader.js';
import { createSchedulerMetrics } from './metrics.js';

const config = loadConfig();
const logger = createLogger('scheduler', config.LOG_LEVEL).child({ holder: config.HOLDER_ID });
const now = () => new Date();
const metrics = createSchedulerMetrics();

const { client, db } = await connectMongo(config.MONGO_URL, 'herald-scheduler');
const ledger = new SlotLedgerCollection(db);
await ledger.ensureIndexes();
const leases = new LeaseCollection(db);
await leases.ensureIndexes();

const connection = new BrokerConnection({
  url: config.RABBITMQ_URL,
  name: `scheduler-${config.HOLDER_ID}`,
  logger,
});
const publisher = new Publisher({
  connection,
  source: 'scheduler',
  produces: services.scheduler.produces,
  namespace: config.HERALD_NAMESPACE,
  logger,
  onConfirmed: (exchange, seconds) => metrics.publishConfirmSeconds.observe({ exchange }, seconds),
});
const eventOf = new Map(config.schedules.map((s) => [s.name, s.event]));

const leader: LeaderElector = new LeaderElector({
  holder: config.HOLDER_ID,
  store: leases,
  ttlMs: config.LEASE_TTL_MS,
  renewMs: config.LEASE_RENEW_MS,
  safetyMs: Math.min(1_000, config.LEASE_TTL_MS / 10),
  now,
  logger,
  onAcquired: (lease) => {
    metrics.leadershipsAcquired.inc();
    metrics.fencingToken.set(lease.token);
    return firing.onLeadership(now());
  },
});

const firing: Firing = new Firing({
  schedules: config.schedules,
  ledger,
  leader,
  now,
  logger,
  graceMs: config.MISFIRE_GRACE_MS,
  maxCatchUp: config.MAX_CATCH_UP,
  emit: async (record) => {
    const type = eventOf.get(record.schedule);
    if (!type) throw new Error(`no event for schedule ${record.schedule}`);
    const fencingToken = leader.lease?.token ?? record.token;
    await publisher.publish(
      type,
      { schedule: record.schedule, slot: record.slot.toISOString(), fencingToken },
      { id: slotEventId(record.schedule, record.slot) },
    );
    metrics.slotsFired.inc({ schedule: record.schedule });
  },
});

const app = buildApp({
  logger,
  metrics,
  readiness: { store: () => mongoReachable(db), broker: () => publisher.ready },
  status: () => ({
    holder: config.HOLDER_ID,
    leader: leader.leading(),
    fencingToken: leader.lease?.token ?? null,
    leaseExpiresAt: leader.lease?.expiresAt.toISOString() ?? null,
    slotsFired: firing.fired,
    schedules: firing.status(now()),
  }),
  pipeline: () => probePipeline(config.PIPELINE_TARGETS, now()),
  leadership: (limit) => leases.leadership(limit),
  recentSlots: (schedule, limit) => ledger.recent(schedule, limit),
  now,
});

// One round at a time: a slow store must not stack up overlapping rounds.
let ticking: Promise<void> = Promise.resolve();
const ticker = setInterval(() => {
  metrics.leader.set(leader.leading() ? 1 : 0);
  ticking = ticking.then(() =>
    firing
      .tick()
      .catch((error: unknown) => logger.error({ err: error }, 'scheduling round failed')),
  );
}, config.TICK_MS);
const pruning = startPruning({
  records: { 'slot ledger': ledger, 'leadership terms': leases },
  keepMs: 7 * 24 * 3_600_000,
  logger,
  when: () => leader.leading(),
});

onShutdown(
  {
    'stop timers': () => clearInterval(ticker),
    'stop pruning': () => pruning.stop(),
    'finish the tick in progress': () => ticking,
    'release the lease': () => leader.stop(),
    'close HTTP': () => app.close(),
    'close publisher': () => publisher.close(),
    'close broker connection': () => connection.close(),
    'close store client': () => client.close(),
    'flush traces': stopTracing,
  },
  logger,
  config.SHUTDOWN_DEADLINE_MS,
);

connection.start();
await publisher.start();
leader.start();
await app.listen({ port: config.PORT, host: config.HOST });
