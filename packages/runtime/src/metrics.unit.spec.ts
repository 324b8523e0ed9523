import { expect, it } from 'vitest';
import {
  createMetrics,
  observeConsumer,
  type ObservedLifecycle,
  type ObservedOutcome,
} from './metrics.js';

function fakeConsumer() {
  const outcomes: ((o: ObservedOutcome) => void)[] = [];
  const lifecycle: ((e: ObservedLifecycle) => void)[] = [];
  return {
    onOutcome: (listener: (o: ObservedOutcome) => void) => outcomes.push(listener),
    onLifecycle: (listener: (e: ObservedLifecycle) => void) => lifecycle.push(listener),
    outcome: (o: ObservedOutcome) => outcomes.forEach((l) => l(o)),
    change: (e: ObservedLifecycle) => lifecycle.forEach((l) => l(e)),
  };
}

async function value(
  metric: { get(): Promise<{ values: { value: number; labels: object }[] }> },
  labels: object,
): Promise<number | undefined> {
  const { values } = await metric.get();
  return values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value;
}

it('counts every outcome and subscription change of a consumer', async () => {
  const metrics = createMetrics('test');
  const consumer = fakeConsumer();
  observeConsumer(consumer, metrics, 'q');
  const type = 'user.registered';
  const labels = { queue: 'q', type };

  consumer.outcome({ status: 'acked', type, durationMs: 1 });
  consumer.outcome({ status: 'retried', type, durationMs: 1 });
  consumer.outcome({ status: 'dead-lettered', type, durationMs: 1 });
  consumer.outcome({ status: 'deferred', type, durationMs: 1 });
  consumer.outcome({ status: 'requeued', type, durationMs: 1, cause: 'outage' });
  consumer.outcome({ status: 'requeued', type, durationMs: 1, cause: 'move-refused' });
  consumer.outcome({ status: 'requeued', type, durationMs: 1, cause: 'move-refused' });
  expect(await value(metrics.consumed, labels)).toBe(1);
  expect(await value(metrics.failed, labels)).toBe(2);
  expect(await value(metrics.retried, labels)).toBe(1);
  expect(await value(metrics.deadLettered, labels)).toBe(1);
  expect(await value(metrics.deferred, labels)).toBe(1);
  expect(await value(metrics.requeued, { ...labels, cause: 'outage' })).toBe(1);
  expect(await value(metrics.requeued, { ...labels, cause: 'move-refused' })).toBe(2);

  expect(await value(metrics.consumerPaused, { queue: 'q' })).toBe(0);
  consumer.change({ type: 'cancelled' });
  consumer.change({ type: 'paused' });
  expect(await value(metrics.consumerPaused, { queue: 'q' })).toBe(1);
  consumer.change({ type: 'resumed' });
  expect(await value(metrics.consumerPaused, { queue: 'q' })).toBe(0);
  expect(await value(metrics.consumerCancels, { queue: 'q' })).toBe(1);
  expect(await value(metrics.consumerPauses, { queue: 'q' })).toBe(1);
});
