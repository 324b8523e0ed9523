// Composition root: config, clients, handlers, HTTP, signals.
import { createTokenVerifier } from '@herald/auth';
import { BrokerConnection, Consumer, errorMessage } from '@herald/bus';
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
import { LiveHub } from './adapters/live-hub.js';
import { NotificationsCollection } from './adapters/notifications-collection.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { NotifierPorts } from './domain/ports.js';
import { consumerName, registerHandlers } from './handlers/index.js';

const config = loadConfig();
const logger = createLogger('notifier', config.LOG_LEVEL);
const metrics = createMetrics('notifier');
const verifier = await createTokenVerifier(config.JWT_PUBLIC_KEY);

const { client, db } = await connectMongo(config.MONGO_URL, 'herald-notifier');
const notifications = new NotificationsCollection(db);
await notifications.ensureIndexes();
const processed = new ProcessedEvents(db);
const pruning = startPruning({
  records: { 'processed events': processed },
  keepMs: processedEventsKeptMs,
  logger,
});
const live = new LiveHub({
  onListenerError: (error) => logger.warn({ err: errorMessage(error) }, 'stream listener failed'),
});
const heartbeats = new Heartbeats(db, (slot) =>
  metrics.lastHeartbeatSeconds.set(slot.getTime() / 1_000),
);
const ports: NotifierPorts = { notifications, live, heartbeats, now: () => new Date() };

const connection = new BrokerConnection({ url: config.RABBITMQ_URL, name: 'notifier', logger });
const consumer = new Consumer({
  connection,
  topology: serviceQueue('notifier', { namespace: config.HERALD_NAMESPACE, retry: config.retry }),
  name: consumerName,
  logger,
  prefetch: config.PREFETCH,
  outage: storeOutage(db),
});
registerHandlers(consumer, services.notifier.consumes, ports, processed);
observeConsumer(consumer, metrics, 'notifier');

const app = buildApp({
  logger,
  metrics,
  heartbeats: () => heartbeats.status(),
  readiness: { broker: () => consumer.consuming, store: () => mongoReachable(db) },
  notifications,
  live,
  verifier,
  now: ports.now,
});

onShutdown(
  {
    'drain consumer': () => consumer.stop(config.SHUTDOWN_DEADLINE_MS - 1_000),
    'stop pruning': () => pruning.stop(),
    'close HTTP': () => app.close(),
    'close broker connection': () => connection.close(),
    'close store client': () => client.close(),
    'flush traces': stopTracing,
  },
  logger,
  config.SHUTDOWN_DEADLINE_MS,
);

connection.start();
await consumer.start();
await app.listen({ port: config.PORT, host: config.HOST });
