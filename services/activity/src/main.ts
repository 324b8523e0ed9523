// Composition root: config, clients, handlers, HTTP, signals.
import { createTokenVerifier } from '@herald/auth';
import { BrokerConnection, Consumer } from '@herald/bus';
import { serviceQueue } from '@herald/contracts';
import { createLogger, onShutdown } from '@herald/runtime';
import { ProcessedEvents, connectMongo, mongoReachable } from '@herald/store';
import { FeedCollection } from './adapters/feed-collection.js';
import { MembersCollection } from './adapters/members-collection.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { ActivityPorts } from './domain/ports.js';
import { subscribe } from './handlers/index.js';

const config = loadConfig();
const logger = createLogger('activity', config.LOG_LEVEL);

const verifier = await createTokenVerifier(config.JWT_PUBLIC_KEY);
const { client, db } = await connectMongo(config.MONGO_URL, 'herald-activity');
const feed = new FeedCollection(db);
const members = new MembersCollection(db);
await feed.ensureIndexes();
await members.ensureIndexes();
const ports: ActivityPorts = { feed, members };

const connection = new BrokerConnection({ url: config.RABBITMQ_URL, name: 'activity', logger });
const consumer = new Consumer({
  connection,
  topology: serviceQueue('activity', { namespace: config.HERALD_NAMESPACE, retry: config.retry }),
  name: 'activity',
  logger,
  prefetch: config.PREFETCH,
});
subscribe(consumer, new ProcessedEvents(db), ports);

const app = buildApp({
  logger,
  ports,
  verifier,
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
