// Composition root: config, clients, handlers, HTTP, signals.
import { BrokerConnection, Consumer } from '@herald/bus';
import { serviceQueue, services } from '@herald/contracts';
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
import { SentLogCollection } from './adapters/sent-log-collection.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { MailTransport, MailerPorts } from './domain/ports.js';
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
  config.SMTP_URL ? { smtp: new URL(config.SMTP_URL).host } : { outbox: config.MAIL_OUTBOX_DIR },
  config.SMTP_URL ? 'sending over SMTP' : 'no SMTP_URL: writing e-mails as .eml files',
);

const heartbeats = new Heartbeats(db, (slot) =>
  metrics.lastHeartbeatSeconds.set(slot.getTime() / 1_000),
);
const ports: MailerPorts = {
  transport,
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
const topology = serviceQueue('mailer', {
  namespace: config.HERALD_NAMESPACE,
  retry: config.retry,
});
const consumer = new Consumer({
  connection,
  topology,
  name: 'mailer',
  logger,
  prefetch: config.PREFETCH,
  outage: storeOutage(db),
});
// Each event runs its handler once (processed-events record); the sent-log covers partial sends.
subscribeOnce(consumer, {
  handlers,
  types: services.mailer.consumes,
  ports,
  processed,
  consumer: 'mailer',
});

observeConsumer(consumer, metrics, topology.queue);

const app = buildApp({
  logger,
  metrics,
  heartbeats: () => heartbeats.status(),
  readiness: { broker: () => consumer.consuming, store: () => mongoReachable(db) },
});

onShutdown(
  {
    'drain consumer': () => consumer.stop(config.SHUTDOWN_DEADLINE_MS - 1_000),
    'stop pruning': () => pruning.stop(),
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
await consumer.start();
await app.listen({ port: config.PORT, host: config.HOST });
