import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Event, EventType, LiveQueueTopology } from '@herald/contracts';
import { reconnectDelay, sleep } from './backoff.js';
import type { BrokerConnection } from './connection.js';
import { defaultMaxMessageBytes } from './consumer.js';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';
import { parseMessage } from './parse-message.js';
import { declareExchanges } from './topology.js';

/**
 * Declares one live queue of `topology` as `queue`: exclusive (deleted with its connection),
 * auto-delete, classic (exclusive queues cannot be quorum), bounded with drop-head.
 */
export async function declareLiveQueue(
  channel: Channel,
  topology: LiveQueueTopology,
  queue: string,
): Promise<void> {
  await declareExchanges(
    channel,
    topology.bindings.map((b) => b.exchange),
  );
  await channel.assertQueue(queue, {
    exclusive: true,
    autoDelete: true,
    durable: false,
    arguments: { 'x-queue-type': 'classic', 'x-max-length': topology.maxLength },
  });
  for (const binding of topology.bindings) {
    await channel.bindQueue(queue, binding.exchange, binding.routingKey);
  }
}

export interface LiveSubscriberOptions<T extends EventType> {
  readonly connection: Pick<BrokerConnection, 'onConnected' | 'current'>;
  readonly topology: LiveQueueTopology<T>;
  readonly logger: Logger;
  /** Called with each valid event; a throw is logged and the next message still arrives. */
  readonly onEvent: (event: Event<T>) => void;
  /**
   * Called each time the queue is (re)subscribed. Whatever was published while it was not is lost
   * to this replica, so the caller catches up from its store here.
   */
  readonly onSubscribed?: () => void;
  readonly maxMessageBytes?: number;
  /** First wait before subscribing again after the broker closed the channel or the queue. */
  readonly resubscribeDelayMs?: number;
}

/**
 * Receives a live fan-out on a queue of this process's own: exclusive (the broker deletes it with
 * the connection), auto-delete, bounded, consumed without acks. Subscribes again on every
 * reconnection, after a channel error and after a server-side cancel (its queue went away), each
 * time on a queue of a new name. A message that is not a valid event of the topology is logged
 * and dropped: a live message is a hint, the store is the truth.
 */
export class LiveSubscriber<T extends EventType> {
  readonly #options: LiveSubscriberOptions<T>;
  readonly #types: ReadonlySet<string>;
  #channel: Channel | undefined;
  #subscribed = false;
  #stopped = false;
  #generation = 0;

  constructor(options: LiveSubscriberOptions<T>) {
    this.#options = options;
    this.#types = new Set(options.topology.bindings.map((b) => b.routingKey));
  }

  /** True while a queue is bound and consumed; readiness probes report it. */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  async start(): Promise<void> {
    await this.#options.connection.onConnected((connection) => this.#subscribe(connection));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#subscribed = false;
    const channel = this.#channel;
    this.#channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  async #subscribe(connection: ChannelModel): Promise<void> {
    if (this.#stopped) return;
    const { topology, logger } = this.#options;
    const channel = await connection.createChannel();
    channel.on('error', (err: unknown) =>
      logger.warn({ err: errorMessage(err) }, 'live channel error'),
    );
    channel.on('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = undefined;
      this.#subscribed = false;
      // The channel died but the connection lives: subscribe again on it. A new connection
      // subscribes by itself (onConnected).
      if (!this.#stopped && connection === this.#options.connection.current) {
        void this.#resubscribe(connection);
      }
    });
    const queue = `${topology.queue}.${++this.#generation}`;
    try {
      await declareLiveQueue(channel, topology, queue);
      this.#channel = channel;
      await channel.consume(queue, (message) => this.#receive(channel, message), { noAck: true });
    } catch (error) {
      this.#channel = undefined;
      await channel.close().catch(() => undefined);
      throw error;
    }
    this.#subscribed = true;
    logger.info({ queue }, 'live queue subscribed');
    this.#options.onSubscribed?.();
  }

  /** Subscribes again on a live connection, with backoff, until it works or the connection goes. */
  async #resubscribe(connection: ChannelModel): Promise<void> {
    const initial = this.#options.resubscribeDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      await sleep(reconnectDelay(attempt, initial, 10_000));
      if (this.#stopped || connection !== this.#options.connection.current) return;
      try {
        await this.#subscribe(connection);
        return;
      } catch (error) {
        this.#options.logger.error({ err: errorMessage(error) }, 'live re-subscribe failed');
      }
    }
  }

  #receive(channel: Channel, message: ConsumeMessage | null): void {
    const { logger } = this.#options;
    if (!message) {
      // The broker cancelled the consumer (its queue went away): close, and the close subscribes.
      logger.warn({}, 'live queue cancelled by the broker; subscribing again');
      void channel.close().catch(() => undefined);
      return;
    }
    const event = this.#parse(message);
    if (typeof event === 'string') {
      logger.warn(
        { err: event, messageId: message.properties.messageId as unknown },
        'live message dropped',
      );
      return;
    }
    try {
      this.#options.onEvent(event);
    } catch (error) {
      logger.error({ err: errorMessage(error), eventId: event.id }, 'live handler failed');
    }
  }

  /** The message's event, or why it is not one of this topology's. */
  #parse(message: ConsumeMessage): Event<T> | string {
    const event = parseMessage(
      message.content,
      this.#options.maxMessageBytes ?? defaultMaxMessageBytes,
    );
    if (typeof event === 'string' || this.#types.has(event.type)) return event as Event<T> | string;
    return `unexpected type ${event.type}`;
  }
}
