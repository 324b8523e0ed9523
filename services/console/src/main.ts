// Composition root: config, the broker connection for the DLQ code, the HTTP clients, signals.
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerConnection } from '@herald/bus';
import { createLogger, createMetrics, onShutdown } from '@herald/runtime';
import { stopTracing } from '@herald/telemetry';
import { createDeadLetterQueues } from './adapters/dead-letter-queues.js';
import { createJaegerApi } from './adapters/jaeger.js';
import { createManagementApi } from './adapters/rabbitmq-management.js';
import { createSchedulerApi } from './adapters/scheduler-api.js';
import { createServiceProbe } from './adapters/service-probes.js';
import { buildApp } from './app.js';
import { createSessions } from './auth/session.js';
import { loadConfig } from './config.js';
import { ReplayJobs } from './domain/replay-jobs.js';

const config = loadConfig();
const logger = createLogger('console', config.LOG_LEVEL);
const now = () => new Date();

// No consumer and no publisher: the connection carries the DLQ code's basic.get, ack and replays.
const connection = new BrokerConnection({ url: config.RABBITMQ_URL, name: 'console', logger });
const deadLetters = createDeadLetterQueues({ connection, namespace: config.HERALD_NAMESPACE });
const replays = new ReplayJobs({
  store: deadLetters,
  ratePerSecond: config.REPLAY_RATE,
  now,
  sleep: (ms) => sleep(ms),
});

const app = buildApp({
  logger,
  metrics: createMetrics('console'),
  sessions: createSessions({
    token: config.CONSOLE_TOKEN,
    ttlMs: config.sessionTtlMs,
    now: () => Date.now(),
  }),
  sessionTtlMs: config.sessionTtlMs,
  cookieSecure: config.cookieSecure,
  namespace: config.HERALD_NAMESPACE,
  queues: createManagementApi({ url: config.RABBITMQ_MANAGEMENT_URL, vhost: config.vhost }),
  probe: createServiceProbe(config.SERVICE_URLS),
  deadLetters,
  replays,
  scheduler: createSchedulerApi(
    config.SERVICE_URLS.filter((s) => s.service === 'scheduler').map((s) => s.url),
  ),
  traces: createJaegerApi(config.JAEGER_QUERY_URL),
  jaegerUiUrl: config.JAEGER_UI_URL,
  liveIntervalMs: config.LIVE_INTERVAL_MS,
  now,
});

onShutdown(
  {
    'stop replays after the message in hand': () => replays.stop(),
    'close HTTP': () => app.close(),
    'close broker connection': () => connection.close(),
    'flush traces': stopTracing,
  },
  logger,
  config.SHUTDOWN_DEADLINE_MS,
);

connection.start();
await app.listen({ port: config.PORT, host: config.HOST });
