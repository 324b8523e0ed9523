import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createTokenVerifier } from '@herald/auth';
import { BrokerConnection, Consumer, LiveSubscriber, Publisher, errorMessage } from '@herald/bus';
import { liveQueue, serviceQueue, services } from '@herald/contracts';
import { observeConsumer, type Logger, type Metrics, type ShutdownSteps } from '@herald/runtime';
import {
  Heartbeats,
  PreferenceCopies,
  ProcessedEvents,
  connectMongo,
  mongoReachable,
  processedEventsKeptMs,
  startPruning,
  storeOutage,
} from '@herald/store';
import { brokerLiveFeed } from './adapters/broker-live-feed.js';
import { LiveHub } from './adapters/live-hub.js';
import { MembersCollection } from './adapters/members-collection.js';
import { NotificationsCollection } from './adapters/notifications-collection.js';
import { PresenceBeacon } from './adapters/presence-beacon.js';
import { PresenceCollection } from './adapters/presence-collection.js';
import { StreamTicketsCollection } from './adapters/stream-tickets-collection.js';
import { buildApp } from './app.js';
import type { NotifierConfig } from './config.js';
import type { NotifierPorts } from './domain/ports.js';
import { consumerName, registerHandlers } from './handlers/index.js';
import type { StreamOptions } from './routes/stream.js';

export interface NotifierOptions {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Names this replica: its broker connection, live queue and presence document. */
  readonly replicaId?: string;
  readonly now?: () => Date;
  /** Stream settings beyond the configured replay limit (tests shorten the heartbeat). */
  readonly stream?: StreamOptions;
}

/** A replica id unique per process and readable in the broker's lists: `<host>-<6 hex>`. */
function newReplicaId(): string {
  return `${hostname()}-${randomBytes(3).toString('hex')}`;
}

/**
 * One notifier replica, wired but not yet running: `start()` connects and consumes, `shutdown`
 * lists the steps for SIGTERM in order. main.ts runs one; tests run two side by side.
 */
export async function createNotifier(config: NotifierConfig, options: NotifierOptions) {
  const { logger, metrics } = options;
  const now = options.now ?? (() => new Date());
  const replicaId = options.replicaId ?? newReplicaId();
  const namespace = config.HERALD_NAMESPACE;
  const verifier = await createTokenVerifier(config.JWT_PUBLIC_KEY);

  const { client, db } = await connectMongo(config.MONGO_URL, 'herald-notifier');
  const notifications = new NotificationsCollection(db);
  const members = new MembersCollection(db);
  const presence = new PresenceCollection(db);
  await notifications.ensureIndexes();
  await members.ensureIndexes();
  const processed = new ProcessedEvents(db);
  await processed.ensureIndexes();
  const preferences = new PreferenceCopies(db);
  await preferences.ensureIndexes();
  const heartbeats = new Heartbeats(db, (slot) =>
    metrics?.lastHeartbeatSeconds.set(slot.getTime() / 1_000),
  );
  const tickets = new StreamTicketsCollection(db);
  const pruning = [
    startPruning({
      records: { 'processed events': processed },
      keepMs: processedEventsKeptMs,
      logger,
    }),
    // Dead replicas' presence documents; readers already ignore them once they are this old.
    startPruning({
      records: { presence },
      keepMs: config.PRESENCE_EXPIRY_MS,
      everyMs: config.PRESENCE_EXPIRY_MS,
      logger,
    }),
    // Stream tickets live 30 s: what is a minute past its expiry can go.
    startPruning({
      records: { 'stream tickets': tickets },
      keepMs: 60_000,
      everyMs: 60_000,
      logger,
    }),
  ];

  const hub = new LiveHub({
    onListenerError: (error) => logger.warn({ err: errorMessage(error) }, 'stream listener failed'),
  });
  const beacon = new PresenceBeacon({
    replicaId,
    store: presence,
    heartbeatMs: config.PRESENCE_HEARTBEAT_MS,
    now,
    logger,
  });

  const connection = new BrokerConnection({
    url: config.RABBITMQ_URL,
    name: `notifier ${replicaId}`,
    logger,
  });
  // Set up in this order on every connection: the live queue is bound before this replica
  // publishes to the live exchange, so its own streams never miss what it stores.
  const subscriber = new LiveSubscriber({
    connection,
    topology: liveQueue('notifier', replicaId, { namespace }),
    logger,
    onEvent: (event) => hub.dispatch(event.data),
    onSubscribed: () => hub.catchUpAll(),
  });
  const publisher = new Publisher({
    connection,
    source: 'notifier',
    produces: services.notifier.produces,
    namespace,
    logger,
    onConfirmed: (exchange, seconds) =>
      metrics?.publishConfirmSeconds.observe({ exchange }, seconds),
  });
  const ports: NotifierPorts = {
    notifications,
    members,
    heartbeats,
    live: brokerLiveFeed(publisher),
    preferences,
    now,
  };
  const consumer = new Consumer({
    connection,
    topology: serviceQueue('notifier', { namespace, retry: config.retry }),
    name: consumerName,
    logger,
    prefetch: config.PREFETCH,
    outage: storeOutage(db),
  });
  registerHandlers(consumer, services.notifier.consumes, ports, processed);
  if (metrics) observeConsumer(consumer, metrics, 'notifier');

  const app = buildApp({
    logger,
    ...(metrics ? { metrics } : {}),
    heartbeats: () => heartbeats.status(),
    readiness: {
      broker: () => consumer.consuming,
      live: () => subscriber.subscribed,
      store: () => mongoReachable(db),
    },
    notifications,
    hub,
    presence: beacon,
    members,
    online: () => presence.online(new Date(now().getTime() - config.PRESENCE_EXPIRY_MS)),
    verifier,
    tickets,
    now,
    stream: { replayLimit: config.STREAM_REPLAY_LIMIT, ...options.stream },
  });

  const shutdown: ShutdownSteps = {
    'drain consumer': () => consumer.stop(config.SHUTDOWN_DEADLINE_MS - 1_000),
    'leave presence': () => beacon.stop(),
    'stop pruning': () => Promise.all(pruning.map((p) => p.stop())),
    'close HTTP': () => app.close(),
    'stop live queue': () => subscriber.stop(),
    'close publisher': () => publisher.close(),
    'close broker connection': () => connection.close(),
    'close store client': () => client.close(),
  };

  return {
    replicaId,
    app,
    db,
    notifications,
    connection,
    consumer,
    hub,
    ports,
    shutdown,
    async start(): Promise<void> {
      connection.start();
      await subscriber.start();
      await publisher.start();
      await consumer.start();
      beacon.start();
    },
  };
}
export type Notifier = Awaited<ReturnType<typeof createNotifier>>;
