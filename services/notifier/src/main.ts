// Composition root: config, clients, handlers, HTTP, signals.
import { BrokerConnection, Consumer } from '@herald/bus';
import { serviceQueue } from '@herald/contracts';
import { createLogger, onShutdown } from '@herald/runtime';
import { ProcessedEvents, connectMongo, idempotent, mongoReachable } from '@herald/store';
import { NotificationsCollection } from './adapters/notifications-collection.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { NotifierPorts } from './domain/ports.js';
import { onUserRegistered } from './handlers/user-registered.js';

const config = loadConfig();
const logger = createLogger('notifier', config.LOG_LEVEL);

const { client, db } = await connectMongo(config.MONGO_URL, 'herald-notifier');
const notifications = new NotificationsCollection(db);
await notifications.ensureIndexes();
const processed = new ProcessedEvents(db);
const ports: NotifierPorts = { notifications, now: () => new Date() };

const connection = new BrokerConnection({ url: config.RABBITMQ_URL, name: 'notifier', logger });
const consumer = new Consumer({
  connection,
  topology: serviceQueue('notifier', { namespace: config.HERALD_NAMESPACE }),
  name: 'notifier',
  logger,
  prefetch: config.PREFETCH,
});
consumer.on(
  'user.registered',
  idempotent(processed, 'notifier', (event) => onUserRegistered(event, ports)),
);

const app = buildApp({
  logger,
  readiness: { broker: () => consumer.consuming, store: () => mongoReachable(db) },
});

onShutdown(
  async () => {
    await consumer.stop(config.SHUTDOWN_DEADLINE_MS - 1_000);
    await app.close();
    await connection.close();
    await client.close();
  },
  logger,
  config.SHUTDOWN_DEADLINE_MS,
);

connection.start();
await consumer.start();
await app.listen({ port: config.PORT, host: config.HOST });
