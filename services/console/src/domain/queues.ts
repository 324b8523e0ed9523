import { consumerQueueTopologies } from '@herald/contracts';
import type { QueueStats } from './ports.js';

/**
 * Every consuming queue in the contract, by its name without namespace: one per consuming service
 * and one per lane (`mailer.critical`), each with its own wait queues and DLQ.
 */
export const consumerQueueNames: readonly string[] = consumerQueueTopologies().map(
  (q) => q.topology.queue,
);

export interface ConsumerQueues {
  /** The queue's name without namespace: `mailer`, `mailer.critical`. */
  readonly queue: string;
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
  return consumerQueueNames.map((name) => {
    const queue = `${namespace}${name}`;
    return {
      queue: name,
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
