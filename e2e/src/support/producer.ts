import { BrokerConnection, Publisher } from '@herald/bus';
import type { EventType } from '@herald/contracts';
import { servers, testLogger } from '@herald/testkit';

/**
 * Stands in for the services that produce events, so a test can feed one consumer service
 * directly: the same Publisher (contract-checked, confirmed) over one connection of its own.
 */
export class TestProducer {
  readonly connection: BrokerConnection;
  readonly #namespace: string;
  readonly #publishers: Publisher<EventType>[] = [];

  constructor(namespace: string) {
    this.#namespace = namespace;
    this.connection = new BrokerConnection({
      url: servers.rabbitmq,
      name: `${namespace}producer`,
      logger: testLogger,
    });
    this.connection.start();
  }

  /** A started publisher that sends `produces` as `source` would. */
  async publisher<T extends EventType>(
    source: string,
    produces: readonly T[],
  ): Promise<Publisher<T>> {
    const publisher = new Publisher<T>({
      connection: this.connection,
      source,
      produces,
      namespace: this.#namespace,
      logger: testLogger,
    });
    await publisher.start();
    await this.connection.waitUntilConnected(10_000);
    this.#publishers.push(publisher);
    return publisher;
  }

  async close(): Promise<void> {
    for (const publisher of this.#publishers) await publisher.close();
    await this.connection.close();
  }
}
