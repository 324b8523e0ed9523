// Composition root: config, clients, outbox relay, HTTP, signals.
import { randomUUID } from 'node:crypto';
import { createTokenSigner, createTokenVerifier } from '@herald/auth';
import { BrokerConnection, Consumer, Publisher } from '@herald/bus';
import { serviceQueue, services } from '@herald/contracts';
import { createLogger, createMetrics, observeConsumer, onShutdown } from '@herald/runtime';
import {
  Heartbeats,
  Outbox,
  OutboxRelay,
  ProcessedEvents,
  connectMongo,
  mongoReachable,
  processedEventsKeptMs,
  startPruning,
  storeOutage,
} from '@herald/store';
import { stopTracing } from '@herald/telemetry';
import { consumerQueues } from './adapters/consumer-queues.js';
import { scryptHasher } from './adapters/password-hasher.js';
import { newSecret } from './adapters/secrets.js';
import { RemindersCollection } from './adapters/reminders-collection.js';
import { mongoStores } from './adapters/stores.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { registerHandlers } from './handlers/index.js';

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);
const metrics = createMetrics('api');

const { client, db } = await connectMongo(config.MONGO_URL, 'herald-api');
// Every adapter write that adds events goes through the outbox, which the relay watches.
const outbox = new Outbox(db);
const stores = mongoStores(db, outbox);
const reminders = new RemindersCollection(outbox);
await stores.ensureIndexes();

const connection = new BrokerConnection({ url: config.RABBITMQ_URL, name: 'api', logger });
const publisher = new Publisher({
  connection,
  source: 'api',
  produces: services.api.produces,
  namespace: config.HERALD_NAMESPACE,
  logger,
  onConfirmed: (exchange, seconds) => metrics.publishConfirmSeconds.observe({ exchange }, seconds),
});
const relay = new OutboxRelay({
  db,
  outbox,
  sink: publisher,
  logger,
  onReturned: ({ exchange, routingKey }) =>
    metrics.outboxReturned.inc({ exchange, routing_key: routingKey }),
  consumers: consumerQueues(connection, config.HERALD_NAMESPACE),
});
await relay.ensureIndexes();
const now = () => new Date();

// The API also consumes the schedule events for the data it owns (overdue tasks, refresh tokens).
const consumer = new Consumer({
  connection,
  topology: serviceQueue('api', { namespace: config.HERALD_NAMESPACE }),
  name: 'api',
  logger,
  prefetch: 10,
  outage: storeOutage(db),
});
const heartbeats = new Heartbeats(db, (slot) =>
  metrics.lastHeartbeatSeconds.set(slot.getTime() / 1_000),
);
const processed = new ProcessedEvents(db);
await processed.ensureIndexes();
registerHandlers(
  consumer,
  services.api.consumes,
  {
    ...stores,
    reminders,
    heartbeats,
    now,
    log: (message, fields) => logger.info(fields, message),
  },
  processed,
);
observeConsumer(consumer, metrics, 'api');
const pruning = startPruning({
  records: { 'relayed events': relay, 'processed events': processed },
  keepMs: processedEventsKeptMs,
  logger,
});
// How many events wait for the broker, and for how long (the outbox lag).
const backlogTimer = setInterval(() => {
  relay.backlog().then(
    ({ count, oldestAgeMs }) => {
      metrics.outboxBacklog.set(count);
      metrics.outboxOldestAgeSeconds.set(oldestAgeMs / 1_000);
    },
    (error: unknown) => logger.warn({ err: error }, 'outbox backlog not measured'),
  );
}, 5_000);

const app = await buildApp({
  logger,
  ports: {
    ...stores,
    passwords: scryptHasher,
    accessTokens: await createTokenSigner(config.JWT_PRIVATE_KEY),
    publicUrl: config.PUBLIC_URL,
    now,
    newId: randomUUID,
    newSecret,
    unsubscribeSecret: config.UNSUBSCRIBE_SECRET,
    linkTokenSecret: config.LINK_TOKEN_SECRET,
  },
  verifier: await createTokenVerifier(config.JWT_PUBLIC_KEY),
  rateLimits: {
    max: config.RATE_LIMIT_MAX,
    authMax: config.RATE_LIMIT_AUTH_MAX,
    refreshMax: config.RATE_LIMIT_REFRESH_MAX,
    loginPerAccountMax: config.RATE_LIMIT_LOGIN_PER_ACCOUNT_MAX,
  },
  ...(config.TRUST_PROXY === undefined ? {} : { trustProxy: config.TRUST_PROXY }),
  // The API stays ready while the broker is down: writes keep their events in the outbox.
  readiness: { store: () => mongoReachable(db) },
  metrics,
  heartbeats: () => heartbeats.status(),
});

onShutdown(
  {
    'stop backlog gauge': () => clearInterval(backlogTimer),
    'stop pruning': () => pruning.stop(),
    'drain consumer': () => consumer.stop(config.SHUTDOWN_DEADLINE_MS / 2),
    'close HTTP': () => app.close(),
    'stop outbox relay': () => relay.stop(),
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
relay.start();
await consumer.start();
await app.listen({ port: config.PORT, host: config.HOST });
