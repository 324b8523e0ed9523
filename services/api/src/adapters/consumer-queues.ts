import { BrokerUnavailable, existingQueues, type BrokerConnection } from '@herald/bus';
import { catalog, consumerQueueTopologies, exchangeName, type EventType } from '@herald/contracts';
import type { ConsumerQueues } from '@herald/store';

/**
 * Every consuming queue in the contract (lanes included), found by the routes it is bound to, and a
 * passive look at which exist on the broker the API is connected to (no permission needed): the
 * outbox holds events that came back until all their consumers' queues are there.
 */
export function consumerQueues(connection: BrokerConnection, namespace: string): ConsumerQueues {
  const topologies = consumerQueueTopologies({ namespace }).map((q) => q.topology);
  const deadLetters = new Map(topologies.map((t) => [t.queue, t.deadLetterQueue]));
  const dlq = (queue: string) => deadLetters.get(queue) ?? queue;
  return {
    routeOf: (type) => ({
      exchange: exchangeName(catalog[type as EventType].exchange, namespace),
      routingKey: type,
    }),
    connection: () => connection.current,
    queuesFor: ({ exchange, routingKey }) =>
      topologies
        .filter((t) =>
          t.bindings.some((b) => b.exchange === exchange && b.routingKey === routingKey),
        )
        .map((t) => t.queue),
    // A consumer declares its dead-letter queue last, after the queue's bindings: a queue counts
    // as there once its dead-letter queue is too, or an event could reach it before it is bound.
    existing: async (queues) => {
      const current = connection.current;
      if (!current) throw new BrokerUnavailable('no broker connection');
      const found = await existingQueues(current, [...queues, ...queues.map(dlq)]);
      return new Set(queues.filter((queue) => found.has(queue) && found.has(dlq(queue))));
    },
  };
}
