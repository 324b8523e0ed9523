import { services } from '@herald/contracts';
import type { QueueStats } from './ports.js';

/** The services that consume from the broker, each with its own queue, wait queues and DLQ. */
export const consumerServices: readonly string[] = Object.entries(services)
  .filter(([, s]) => s.consumes.length > 0)
  .map(([name]) => name);

export interface ConsumerQueues {
  readonly service: string;
  /** undefined until the service has declared its topology. */
  readonly main: QueueStats | undefined;
  readonly waits: readonly QueueStats[];
  readonly dlq: QueueStats | undefined;
}

/**
 * Sorts the broker's queues into each consumer's main queue, wait queues and DLQ by name. Wait
 * queues are found by prefix: their delays come from each service's retry policy, not from here.
 */
export function consumerQueues(all: readonly QueueStats[], namespace: string): ConsumerQueues[] {
  const byName = new Map(all.map((q) => [q.name, q]));
  return consumerServices.map((service) => {
    const queue = `${namespace}${service}`;
    return {
      service,
      main: byName.get(queue),
      waits: all
        .filter((q) => q.name.startsWith(`${queue}.wait.`))
        .sort((a, b) => waitDelay(a.name) - waitDelay(b.name)),
      dlq: byName.get(`${queue}.dlq`),
    };
  });
}

function waitDelay(name: string): number {
  return Number(/\.wait\.(\d+)ms$/.exec(name)?.[1] ?? Number.MAX_SAFE_INTEGER);
}
