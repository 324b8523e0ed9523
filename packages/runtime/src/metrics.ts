import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpServer } from './http.js';

/** The outcome shape a consumer reports (kept structural so runtime does not depend on the bus). */
export interface ObservedOutcome {
  readonly status: 'acked' | 'retried' | 'dead-lettered' | 'deferred' | 'requeued';
  readonly type: string | undefined;
  readonly durationMs: number;
  /** Why a requeued message went back to its queue. */
  readonly cause?: string;
}

/** The subscription changes a consumer reports (structural, like `ObservedOutcome`). */
export interface ObservedLifecycle {
  readonly type: 'cancelled' | 'paused' | 'resumed';
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
    deferred: new Counter({
      name: 'herald_messages_deferred_total',
      help: 'Messages sent to a wait queue without spending an attempt (the handler threw Deferred)',
      labelNames: labels,
      registers: [registry],
    }),
    requeued: new Counter({
      name: 'herald_messages_requeued_total',
      help:
        'Messages nacked back to their queue without spending an attempt; cause "outage": the ' +
        'consumer paused, "move-refused": the broker refused the move to a wait queue or the DLQ',
      labelNames: [...labels, 'cause'],
      registers: [registry],
    }),
    consumerCancels: new Counter({
      name: 'herald_consumer_cancels_total',
      help: 'Subscriptions the broker cancelled (queue deleted, ...); each one is re-subscribed',
      labelNames: ['queue'],
      registers: [registry],
    }),
    consumerPauses: new Counter({
      name: 'herald_consumer_pauses_total',
      help: 'Times consuming paused because a dependency (the store) was down',
      labelNames: ['queue'],
      registers: [registry],
    }),
    consumerPaused: new Gauge({
      name: 'herald_consumer_paused',
      help: '1 while consuming is paused because a dependency (the store) is down',
      labelNames: ['queue'],
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

/** Counts a consumer's outcomes and subscription changes into the registry. */
export function observeConsumer(
  consumer: {
    onOutcome(listener: (outcome: ObservedOutcome) => void): unknown;
    onLifecycle(listener: (event: ObservedLifecycle) => void): unknown;
  },
  metrics: Metrics,
  queue: string,
): void {
  consumer.onOutcome((outcome) => {
    const labels = { queue, type: outcome.type ?? 'unknown' };
    metrics.handlerSeconds.observe(labels, outcome.durationMs / 1_000);
    switch (outcome.status) {
      case 'acked':
        metrics.consumed.inc(labels);
        return;
      case 'deferred':
        metrics.deferred.inc(labels);
        return;
      case 'requeued':
        metrics.requeued.inc({ ...labels, cause: outcome.cause ?? 'unknown' });
        return;
      case 'retried':
        metrics.failed.inc(labels);
        metrics.retried.inc(labels);
        return;
      case 'dead-lettered':
        metrics.failed.inc(labels);
        metrics.deadLettered.inc(labels);
    }
  });
  metrics.consumerPaused.set({ queue }, 0);
  consumer.onLifecycle((event) => {
    switch (event.type) {
      case 'cancelled':
        metrics.consumerCancels.inc({ queue });
        return;
      case 'paused':
        metrics.consumerPauses.inc({ queue });
        metrics.consumerPaused.set({ queue }, 1);
        return;
      case 'resumed':
        metrics.consumerPaused.set({ queue }, 0);
    }
  });
}

export function registerMetricsRoute(app: HttpServer, metrics: Metrics): void {
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
