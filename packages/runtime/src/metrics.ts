import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpServer } from './http.js';

/** The outcome shape a consumer reports (kept structural so runtime does not depend on the bus). */
export interface ObservedOutcome {
  readonly status: 'acked' | 'retried' | 'dead-lettered';
  readonly type: string | undefined;
  readonly durationMs: number;
}

/** One registry per service: process defaults plus Herald's own series. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const labels = ['queue', 'type'] as const;
  return {
    registry,
    consumed: new Counter({
      name: 'herald_messages_consumed_total',
      help: 'Messages handled successfully and acked',
      labelNames: labels,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'herald_messages_failed_total',
      help: 'Handler failures (each retried or dead-lettered)',
      labelNames: labels,
      registers: [registry],
    }),
    retried: new Counter({
      name: 'herald_messages_retried_total',
      help: 'Messages sent to a wait queue for a later attempt',
      labelNames: labels,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'herald_messages_dead_lettered_total',
      help: 'Messages moved to the DLQ',
      labelNames: labels,
      registers: [registry],
    }),
    handlerSeconds: new Histogram({
      name: 'herald_handler_duration_seconds',
      help: 'Time from delivery to ack/retry/dead-letter',
      labelNames: labels,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    publishConfirmSeconds: new Histogram({
      name: 'herald_publish_confirm_seconds',
      help: 'Time from publish to broker confirm',
      labelNames: ['exchange'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    outboxBacklog: new Gauge({
      name: 'herald_outbox_backlog',
      help: 'Events written but not yet confirmed by the broker',
      registers: [registry],
    }),
    outboxReturned: new Counter({
      name: 'herald_outbox_returned_total',
      help: 'Outbox events the broker returned because no queue was bound to their routing key; each waits in the outbox and is retried until one is',
      labelNames: ['exchange', 'routing_key'],
      registers: [registry],
    }),
    outboxOldestAgeSeconds: new Gauge({
      name: 'herald_outbox_oldest_age_seconds',
      help: 'Age of the oldest event waiting in the outbox',
      registers: [registry],
    }),
    lastHeartbeatSeconds: new Gauge({
      name: 'herald_last_heartbeat_timestamp_seconds',
      help: 'Slot time of the last system.heartbeat this service handled',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** Counts a consumer's outcomes into the registry. */
export function observeConsumer(
  consumer: { onOutcome(listener: (outcome: ObservedOutcome) => void): unknown },
  metrics: Metrics,
  queue: string,
): void {
  consumer.onOutcome((outcome) => {
    const labels = { queue, type: outcome.type ?? 'unknown' };
    metrics.handlerSeconds.observe(labels, outcome.durationMs / 1_000);
    if (outcome.status === 'acked') {
      metrics.consumed.inc(labels);
      return;
    }
    metrics.failed.inc(labels);
    if (outcome.status === 'retried') metrics.retried.inc(labels);
    else metrics.deadLettered.inc(labels);
  });
}

export function registerMetricsRoute(app: HttpServer, metrics: Metrics): void {
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
