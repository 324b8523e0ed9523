// Composition root: config, clients, handlers, HTTP, signals.
import { BrokerConnection, Consumer } from '@herald/bus';
import { laneQueue, laneSpec, lanes, serviceQueue, type LaneOf } from '@herald/contracts';
import { createLogger, createMetrics, observeConsumer, onShutdown } from '@herald/runtime';
import {
  Heartbeats,
  PreferenceCopies,
  ProcessedEvents,
  connectMongo,
  subscribeOnce,
  mongoReachable,
  processedEventsKeptMs,
  startPruning,
  storeOutage,
} from '@herald/store';
import { stopTracing } from '@herald/telemetry';
import { createOutboxTransport, createSmtpTransport } from './adapters/nodemailer-transport.js';
import { SendSlotsCollection } from './adapters/send-slots-collection.js';
import { SentLogCollection } from './adapters/sent-log-collection.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { MailTransport, MailerPorts } from './domain/ports.js';
import { createSendGate } from './domain/send-gate.js';
import { handlers } from './handlers/index.js';

const config = loadConfig();
const logger = createLogger('mailer', config.LOG_LEVEL);
const metrics = createMetrics('mailer');

const { client, db } = await connectMongo(config.MONGO_URL, 'herald-mailer');
const processed = new ProcessedEvents(db);
await processed.ensureIndexes();
const sentLog = new SentLogCollection(db);
const preferences = new PreferenceCopies(db);
await preferences.ensureIndexes();
const pruning = startPruning({
  records: { 'processed events': processed, 'sent mail': sentLog },
  keepMs: processedEventsKeptMs,
  logger,
});

const transport: MailTransport = config.SMTP_URL
  ? createSmtpTransport({
      url: config.SMTP_URL,
      connectionTimeoutMs: config.SMTP_CONNECTION_TIMEOUT_MS,
      greetingTimeoutMs: config.SMTP_GREETING_TIMEOUT_MS,
      socketTimeoutMs: config.SMTP_SOCKET_TIMEOUT_MS,
      maxConnections: config.SMTP_MAX_CONNECTIONS,
      logger,
    })
  : createOutboxTransport({ dir: config.MAIL_OUTBOX_DIR, logger });
logger.info(
  {
    ...(config.SMTP_URL
      ? { smtp: new URL(config.SMTP_URL).host }
      : { outbox: config.MAIL_OUTBOX_DIR }),
    ratePerSecond: config.SMTP_RATE_PER_SECOND ?? 'unlimited',
  },
  config.SMTP_URL ? 'sending over SMTP' : 'no SMTP_URL: writing e-mails as .eml files',
);

const sendSlots = config.SMTP_RATE_PER_SECOND
  ? new SendSlotsCollection(db, config.SMTP_RATE_PER_SECOND)
  : undefined;
const slotPruning = sendSlots
  ? startPruning({
      records: { 'send slots': sendSlots },
      keepMs: 60_000,
      everyMs: 60_000,
      logger,
    })
  : undefined;

const heartbeats = new Heartbeats(db, (slot) =>
  metrics.lastHeartbeatSeconds.set(slot.getTime() / 1_000),
);
const ports: MailerPorts = {
  transport,
  gate: createSendGate({ slots: sendSlots }),
  sentLog,
  from: config.MAIL_FROM,
  heartbeats,
  now: () => new Date(),
  preferences,
  unsubscribe: {
    publicUrl: config.PUBLIC_URL,
    secret: config.UNSUBSCRIBE_SECRET,
    mailto: config.MAIL_UNSUBSCRIBE_MAILTO,
  },
  accountLinks: { publicUrl: config.PUBLIC_URL, secret: config.LINK_TOKEN_SECRET },
  log: (message, fields) => logger.info(fields, message),
};

const connection = new BrokerConnection({
  url: config.RABBITMQ_URL,
  name: `${config.HERALD_NAMESPACE}mailer`,
  logger,
});
// One consumer per lane: critical mail never waits behind a backlog of digests or mentions.
const main = {
  topology: serviceQueue('mailer', { namespace: config.HERALD_NAMESPACE, retry: config.retry }),
  prefetch: config.PREFETCH,
};
const laneConsumers = (Object.keys(lanes.mailer) as LaneOf<'mailer'>[]).map((lane) => {
  const spec = laneSpec('mailer', lane);
  return {
    topology: laneQueue('mailer', lane, {
      namespace: config.HERALD_NAMESPACE,
      retry: config.laneRetry(spec.retry),
    }),
    prefetch: spec.prefetch,
  };
});
const consumers = [main, ...laneConsumers].map(({ topology, prefetch }) => {
  const consumer = new Consumer({
    connection,
    topology,
    name: 'mailer',
    logger,
    prefetch,
    outage: storeOutage(db),
  });
  // Each event runs its handler once (processed-events record); the sent-log covers partial sends.
  subscribeOnce(consumer, {
    handlers,
    types: topology.bindings.map((b) => b.routingKey),
    ports,
    processed,
    consumer: 'mailer',
  });
  observeConsumer(consumer, metrics, topology.queue);
  return consumer;
});

const app = buildApp({
  logger,
  metrics,
  heartbeats: () => heartbeats.status(),
  readiness: {
    broker: () => consumers.every((c) => c.consuming),
    store: () => mongoReachable(db),
  },
});

onShutdown(
  {
    'drain consumers': () =>
      Promise.all(consumers.map((c) => c.stop(config.SHUTDOWN_DEADLINE_MS - 1_000))),
    'stop pruning': () => Promise.all([pruning.stop(), slotPruning?.stop()]),
    'close HTTP': () => app.close(),
    'close SMTP transport': () => transport.close(),
    'close broker connection': () => connection.close(),
    'close store client': () => client.close(),
    'flush traces': stopTracing,
  },
  logger,
  config.SHUTDOWN_DEADLINE_MS,
);

connection.start();
await Promise.all(consumers.map((c) => c.start()));
await app.listen({ port: config.PORT, host: config.HOST });
