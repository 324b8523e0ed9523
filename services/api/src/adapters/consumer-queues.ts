import { BrokerUnavailable, existingQueues, type BrokerConnection } from '@herald/bus';
import { serviceQueue, services, type ServiceName } from '@herald/contracts';
import type { ConsumerQueues } from '@herald/store';

/**
 * The queue of every consuming service in the contract, found by the routes it is bound to, and a
 * passive look at which exist on the broker the API is connected to (no permission needed): the
 * outbox holds events that came back until all their consumers' queues are there.
 */
export function consumerQueues(connection: BrokerConnection, namespace: string): ConsumerQueues {
  const topologies = (Object.keys(services) as ServiceName[])
    .filter((service) => services[service].consumes.length > 0)
    .map((service) => serviceQueue(service, { namespace }));
  return {
    queuesFor: ({ exchange, routingKey }) =>
      topologies
        .filter((t) =>
          t.bindings.some((b) => b.exchange === exchange && b.routingKey === routingKey),
        )
        .map((t) => t.queue),
    existing: (queues) => {
      const current = connection.current;
      if (!current) return Promise.reject(new BrokerUnavailable('no broker connection'));
      return existingQueues(current, queues);
    },
  };
}
