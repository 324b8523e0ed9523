import {
  DeadLetterQueueMissing,
  listDeadLetters,
  purgeDeadLetters,
  replayDeadLetters,
  type BrokerConnection,
} from '@herald/bus';
import { consumerQueuesByName, type QueueTopology } from '@herald/contracts';
import { UpstreamError } from '../domain/errors.js';
import { createKeyedLock } from '../domain/keyed-lock.js';
import type { DeadLetterStore } from '../domain/ports.js';

/**
 * The DLQs of the consuming services, read and changed through the bus's own DLQ code (the one
 * `npm run dlq` uses), one operation per service at a time.
 */
export function createDeadLetterQueues(options: {
  readonly connection: BrokerConnection;
  readonly namespace: string;
}): DeadLetterStore {
  const withLock = createKeyedLock();
  // Keyed as the console's routes name a queue: without the namespace (`mailer.critical`).
  const topologies = consumerQueuesByName(options.namespace);
  const run = <T>(
    service: string,
    task: (
      connection: NonNullable<BrokerConnection['current']>,
      topology: QueueTopology,
    ) => Promise<T>,
  ) =>
    withLock(service, async () => {
      const topology = topologies.get(service);
      if (!topology) throw new UpstreamError(`${service} consumes nothing: it has no DLQ`);
      const connection = options.connection.current;
      if (!connection) throw new UpstreamError('not connected to RabbitMQ (reconnecting)');
      return task(connection, topology);
    });

  return {
    // Counted by reading: right after another read returns its messages, the broker's own count
    // (a passive declare) can still say 0 for a while.
    depth: (service) =>
      run(service, (connection, topology) =>
        listDeadLetters(connection, topology, 10_000).then(
          (letters) => letters.length,
          (error: unknown) => {
            if (error instanceof DeadLetterQueueMissing) return 0; // not consuming yet
            throw error;
          },
        ),
      ),
    list: (service, limit) =>
      run(service, (connection, topology) => listDeadLetters(connection, topology, limit)),
    replay: (service, selector) =>
      run(service, (connection, topology) => replayDeadLetters(connection, topology, selector)),
    replayOldest: (service) =>
      run(service, (connection, topology) =>
        replayDeadLetters(connection, topology, { all: true }, { limit: 1 }),
      ),
    purge: (service, selector) =>
      run(service, (connection, topology) => purgeDeadLetters(connection, topology, selector)),
  };
}
