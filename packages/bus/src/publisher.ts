import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import {
  catalog,
  createEvent,
  exchangeName,
  type AnyEvent,
  type CreateEventOptions,
  type Event,
  type EventData,
  type EventType,
} from '@herald/contracts';
import type { BrokerConnection } from './connection.js';
import { BrokerUnavailable, errorMessage } from './errors.js';
import type { Logger } from './logger.js';
import { publishMandatory } from './mandatory.js';
import { declareExchanges } from './topology.js';
import { endSpan, startPublishSpan } from './tracing.js';

export interface PublisherOptions<T extends EventType> {
  readonly connection: Pick<BrokerConnection, 'onConnected' | 'current'>;
  /** Written as the envelope's `source` and the AMQP `appId`. */
  readonly source: string;
  /** The events this publisher may send; their exchanges are declared on connect. */
  readonly produces: readonly T[];
  readonly namespace?: string;
  readonly logger: Logger;
  /** How long `publish` waits for a connection before failing with BrokerUnavailable. */
  readonly connectTimeoutMs?: number;
  /** Called with each confirm's latency, for metrics. */
  readonly onConfirmed?: (exchange: string, seconds: number) => void;
}

export interface PublishOptions {
  /** Extra AMQP headers, e.g. W3C trace context. */
  readonly headers?: Record<string, string>;
}

/**
 * Publishes catalog events on a confirm channel: `publish` resolves only once the broker has taken
 * responsibility for the message and some queue received it, and rejects otherwise
 * (BrokerUnavailable, PublishRejected, PublishUnroutable when no queue is bound to the event's
 * type), so a caller such as the outbox relay never mistakes "sent" for "stored".
 */
export class Publisher<T extends EventType> {
  readonly #options: PublisherOptions<T>;
  /** The exchange of each event type this publisher produces, named once. */
  readonly #exchanges: ReadonlyMap<EventType, string>;
  #channel: ConfirmChannel | undefined;
  /** Set while the socket buffer is full: later publishes wait for it to drain (backpressure). */
  #drained: Promise<void> | undefined;
  #channelWaiters: (() => void)[] = [];
  #closed = false;

  constructor(options: PublisherOptions<T>) {
    this.#options = options;
    this.#exchanges = new Map(
      options.produces.map((type) => [
        type,
        exchangeName(catalog[type].exchange, options.namespace),
      ]),
    );
  }

  get ready(): boolean {
    return this.#channel !== undefined;
  }

  /** Opens the confirm channel on every (re)connection. */
  async start(): Promise<void> {
    await this.#options.connection.onConnected((connection) => this.#open(connection));
  }

  /** Validates `data` against the contract, wraps it in an envelope and publishes it. */
  async publish<K extends T>(
    type: K,
    data: EventData<K>,
    options: PublishOptions & CreateEventOptions = {},
  ): Promise<Event<K>> {
    return this.#send(createEvent(type, data, this.#options.source, options), options);
  }

  /** Publishes an already-built event (the outbox relay's path). */
  async publishEvent(event: AnyEvent, options: PublishOptions = {}): Promise<void> {
    await this.#send(event, options);
  }

  /**
   * Resolves with `event` once the broker confirmed it. With a channel and room in the socket
   * buffer (the usual case) the message is written at once, with no await before it.
   */
  #send<E extends Event>(event: E, options: PublishOptions): Promise<E> {
    const exchange = this.#exchanges.get(event.type);
    if (exchange === undefined) {
      return Promise.reject(new Error(`${this.#options.source} does not produce ${event.type}`));
    }
    const channel = this.#channel;
    if (!channel || this.#drained) return this.#sendLater(event, exchange, options);
    return this.#write(channel, exchange, event, options);
  }

  async #sendLater<E extends Event>(
    event: E,
    exchange: string,
    options: PublishOptions,
  ): Promise<E> {
    let channel = await this.#awaitChannel();
    while (this.#drained) {
      await this.#drained;
      channel = await this.#awaitChannel();
    }
    return this.#write(channel, exchange, event, options);
  }

  #write<E extends Event>(
    channel: ConfirmChannel,
    exchange: string,
    event: E,
    options: PublishOptions,
  ): Promise<E> {
    const { span, headers } = startPublishSpan(exchange, event.type, event.id, options.headers);
    const properties: Options.Publish = {
      messageId: event.id,
      type: event.type,
      appId: event.source,
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      contentType: 'application/json',
      persistent: true,
      mandatory: true,
      // No header table unless there is something to carry (trace context): amqplib spends more
      // encoding even an empty table than all the other properties together. The version travels
      // in the validated envelope.
      ...(headers ? { headers } : {}),
    };
    const { onConfirmed } = this.#options;
    const started = onConfirmed ? performance.now() : 0;
    return new Promise((resolve, reject) => {
      const body = Buffer.from(JSON.stringify(event));
      let written: boolean;
      try {
        written = publishMandatory(channel, exchange, event.type, body, properties, (failure) => {
          if (failure) {
            endSpan(span, failure.message);
            reject(failure);
            return;
          }
          endSpan(span);
          onConfirmed?.(exchange, (performance.now() - started) / 1_000);
          resolve(event);
        });
      } catch (error) {
        // A channel closing under us throws here; the caller gets the same error as before.
        endSpan(span, errorMessage(error));
        throw error;
      }
      if (!written && !this.#drained) this.#drained = this.#drain(channel);
    });
  }

  /** Settles once `channel` can take writes again (or is gone), and lifts the backpressure. */
  #drain(channel: ConfirmChannel): Promise<void> {
    return new Promise((done) => {
      const drained = () => {
        channel.off('drain', drained);
        channel.off('close', drained);
        this.#drained = undefined;
        done();
      };
      channel.on('drain', drained);
      channel.on('close', drained);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const channel = this.#channel;
    this.#channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  async #open(connection: ChannelModel): Promise<void> {
    const channel = await connection.createConfirmChannel();
    channel.on('error', (err: unknown) =>
      this.#options.logger.warn({ err: errorMessage(err) }, 'publish channel error'),
    );
    channel.on('close', () => {
      if (this.#channel === channel) this.#channel = undefined;
      if (!this.#closed && connection === this.#options.connection.current)
        void this.#reopen(connection);
    });
    await declareExchanges(channel, this.#exchanges.values());
    this.#drained = undefined;
    this.#channel = channel;
    for (const wake of this.#channelWaiters.splice(0)) wake();
  }

  /** A channel closed by the broker (not the connection) is reopened on the same connection. */
  async #reopen(connection: ChannelModel): Promise<void> {
    try {
      await this.#open(connection);
    } catch (error) {
      this.#options.logger.warn({ err: errorMessage(error) }, 'could not reopen publish channel');
    }
  }

  async #awaitChannel(): Promise<ConfirmChannel> {
    if (this.#channel) return this.#channel;
    const timeoutMs = this.#options.connectTimeoutMs ?? 5_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#channelWaiters = this.#channelWaiters.filter((w) => w !== wake);
        reject(new BrokerUnavailable(`no broker connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#channelWaiters.push(wake);
    });
    if (!this.#channel) throw new BrokerUnavailable('broker connection lost');
    return this.#channel;
  }
}
