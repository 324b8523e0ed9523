// Composition root: config, clients, handlers, HTTP, signals.
import { createTokenVerifier } from '@herald/auth';
import { BrokerConnection, Consumer, Publisher } from '@herald/bus';
import { serviceQueue, services } from '@herald/contracts';
import { createLogger, createMetrics, observeConsumer, onShutdown } from '@herald/runtime';
import {
  Heartbeats,
  ProcessedEvents,
  connectMongo,
  mongoReachable,
  processedEventsKeptMs,
  startPruning,
  storeOutage,
} from '@herald/store';
import { stopTracing } from '@herald/telemetry';
import { FeedCollection } from './adapters/feed-collection.js';
import { DigestSchedulesCollection } from './adapters/digest-schedules-collection.js';
import { MembersCollection } from './adapters/members-collection.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { ActivityHandlerPorts } from './domain/ports.js';
import { subscribe } from './handlers/index.js';

const config = loadConfig();
const logger = createLogger('activity', config.LOG_LEVEL);
const metrics = createMetrics('activity');

const verifier = await createTokenVerifier(config.JWT_PUBLIC_KEY);
const { client, db } = await connectMongo(config.MONGO_URL, 'herald-activity');
const feed = new FeedCollection(db);
const members = new MembersCollection(db);
const schedules = new DigestSchedulesCollection(db);
await feed.ensureIndexes();
await members.ensureIndexes();
await schedules.ensureIndexes();
const heartbeats = new Heartbeats(db, (slot) =>
  metrics.lastHeartbeatSeconds.set(slot.getTime() / 1_000),
);

const connection = new BrokerConnection({ url: config.RABBITMQ_URL, name: 'activity', logger });
const publisher = new Publisher({
  connection,
  source: 'activity',
  produces: services.activity.produces,
  namespace: config.HERALD_NAMESPACE,
  logger,
  onConfirmed: (exchange, seconds) => metrics.publishConfirmSeconds.observe({ exchange }, seconds),
});
const ports: ActivityHandlerPorts = {
  feed,
  members,
  schedules,
  heartbeats,
  now: () => new Date(),
  publishDigest: async (data, id) => {
    await publisher.publish('digest.compiled', data, { id });
  },
};
const consumer = new Consumer({
  connection,
  topology: serviceQueue('activity', { namespace: config.HERALD_NAMESPACE, retry: config.retry }),
  name: 'activity',
  logger,
  prefetch: config.PREFETCH,
  outage: storeOutage(db),
});
const processed = new ProcessedEvents(db);
await processed.ensureIndexes();
subscribe(consumer, processed, ports);
const pruning = startPruning({
  records: { 'processed events': processed },
  keepMs: processedEventsKeptMs,
  logger,
});
observeConsumer(consumer, metrics, 'activity');

const app = buildApp({
  logger,
  metrics,
  heartbeats: () => heartbeats.status(),
  ports,
  verifier,
  readiness: { broker: () => consumer.consuming, store: () => mongoReachable(db) },
});

onShutdown(
  {
    'drain consumer': () => consumer.stop(config.SHUTDOWN_DEADLINE_MS - 1_000),
    'stop pruning': () => pruning.stop(),
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
await consumer.start();
await app.listen({ port: config.PORT, host: config.HOST });
