// Composition root: config, logging, one notifier replica, HTTP, signals.
import { createLogger, createMetrics, onShutdown } from '@herald/runtime';
import { stopTracing } from '@herald/telemetry';
import { loadConfig } from './config.js';
import { createNotifier } from './notifier.js';

const config = loadConfig();
const logger = createLogger('notifier', config.LOG_LEVEL);
const metrics = createMetrics('notifier');

const notifier = await createNotifier(config, { logger, metrics });
logger.info({ replicaId: notifier.replicaId }, 'notifier replica');

onShutdown(
  { ...notifier.shutdown, 'flush traces': stopTracing },
  logger,
  config.SHUTDOWN_DEADLINE_MS,
);

await notifier.start();
await notifier.app.listen({ port: config.PORT, host: config.HOST });
