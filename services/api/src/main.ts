// Composition root: config, clients, outbox relay, HTTP, signals.
import { randomUUID } from 'node:crypto';
import { createTokenSigner, createTokenVerifier } from '@herald/auth';
import { BrokerConnection, Publisher } from '@herald/bus';
import { services } from '@herald/contracts';
import { createLogger, onShutdown } from '@herald/runtime';
import { OutboxRelay, connectMongo, mongoReachable } from '@herald/store';
import { scryptHasher } from './adapters/password-hasher.js';
import { newSecret } from './adapters/secrets.js';
import { mongoStores, outboxCollections } from './adapters/stores.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);

const { client, db } = await connectMongo(config.MONGO_URL, 'herald-api');
const stores = mongoStores(db);
await stores.ensureIndexes();

const connection = new BrokerConnection({ url: config.RABBITMQ_URL, name: 'api', logger });
const publisher = new Publisher({
  connection,
  source: 'api',
  produces: services.api.produces,
  namespace: config.HERALD_NAMESPACE,
  logger,
});
const relay = new OutboxRelay({ db, collections: outboxCollections, sink: publisher, logger });

const app = await buildApp({
  logger,
  ports: {
    ...stores,
    passwords: scryptHasher,
    accessTokens: await createTokenSigner(config.JWT_PRIVATE_KEY),
    publicUrl: config.PUBLIC_URL,
    eventsWritten: () => relay.kick(),
    now: () => new Date(),
    newId: randomUUID,
    newSecret,
  },
  verifier: await createTokenVerifier(config.JWT_PUBLIC_KEY),
  rateLimits: { max: config.RATE_LIMIT_MAX, authMax: config.RATE_LIMIT_AUTH_MAX },
  // The API stays ready while the broker is down: writes keep their events in the outbox.
  readiness: { store: () => mongoReachable(db) },
});

onShutdown(
  async () => {
    await app.close();
    await relay.stop();
    await publisher.close();
    await connection.close();
    await client.close();
  },
  logger,
  config.SHUTDOWN_DEADLINE_MS,
);

connection.start();
await publisher.start();
relay.start();
await app.listen({ port: config.PORT, host: config.HOST });
