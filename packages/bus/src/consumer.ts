import { EventEmitter } from 'node:events';
import { context, type Context, type Span } from '@opentelemetry/api';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  ContractViolation,
  RetryRoute,
  parseEvent,
  type Event,
  type EventType,
  type QueueTopology,
} from '@herald/contracts';
import { Acks } from './acks.js';
import { sleep } from './backoff.js';
import type { BrokerConnection } from './connection.js';
import { PermanentFailure, errorMessage } from './errors.js';
import {
  Header,
  attemptOf,
  clip,
  forwardedProperties,
  headerString,
  publishConfirmed,
  type FailureKind,
} from './headers.js';
import type { Logger } from './logger.js';
import { declareQueueTopology } from './topology.js';
import { recordOutcome, startProcessSpan } from './tracing.js';

export interface HandlerContext {
  /** 1 on first delivery; grows each time the message comes back from a wait queue. */
  readonly attempt: number;
  readonly log: Logger;
  /** AMQP headers of the delivery (trace context lives here). */
  readonly headers: Readonly<Record<string, unknown>>;
}

export type Handler<T extends EventType> = (
  event: Event<T>,
  context: HandlerContext,
) => Promise<void>;

/** What happened to one delivery; tests and metrics await these instead of sleeping. */
export type Outcome =
  | {
      readonly status: 'acked';
      readonly eventId: string;
      readonly type: string;
      readonly attempt: number;
      readonly durationMs: number;
    }
  | {
      readonly status: 'retried';
      readonly eventId: string | undefined;
      readonly type: string | undefined;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: string;
      readonly durationMs: number;
    }
  | {
      readonly status: 'dead-lettered';
      readonly eventId: string | undefined;
      readonly type: string | undefined;
      readonly attempt: number;
      readonly kind: FailureKind;
      readonly error: string;
      readonly durationMs: number;
    };

export interface ConsumerOptions<T extends EventType> {
  readonly connection: BrokerConnection;
  readonly topology: QueueTopology<T>;
  /** Names this consumer in DLQ headers and logs. */
  readonly name: string;
  readonly logger: Logger;
  /** Unacked messages in flight per consumer; bounds memory and parallel handler work. */
  readonly prefetch?: number;
  /** Larger bodies go to the DLQ unparsed: no event is near this, and parsing one blocks the loop. */
  readonly maxMessageBytes?: number;
}

/** Events are a few KB at most (a comment body is capped in the contract); 1 MiB is a clear outlier. */
export const defaultMaxMessageBytes = 1024 * 1024;

/**
 * Consumes one queue: parses every message against the contract, dispatches it to its typed
 * handler, and acks only after the handler resolved. Failures take the retry path (a wait queue,
 * attempt number in the headers) or go to the DLQ with the reason; nothing is requeued in a loop.
 * Survives reconnects: it re-declares its topology and re-subscribes on every new connection.
 */
export class Consumer<T extends EventType> {
  readonly #options: ConsumerOptions<T>;
  readonly #handlers = new Map<EventType, Handler<EventType>>();
  readonly #outcomes = new EventEmitter();
  #inFlight = 0;
  /** Resolves a draining `stop()` once the last in-flight handler has settled its message. */
  #idle: (() => void) | undefined;
  #channel: ConfirmChannel | undefined;
  #acks: Acks<Outcome> | undefined;
  #consumerTag: string | undefined;
  #stopping = false;
  #started = false;

  constructor(options: ConsumerOptions<T>) {
    this.#options = options;
    this.#outcomes.setMaxListeners(0);
  }

  /** True while subscribed; readiness probes report it. */
  get consuming(): boolean {
    return this.#consumerTag !== undefined;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Registers the handler for one bound event type. */
  on<K extends T>(type: K, handler: Handler<K>): this {
    if (this.#started) throw new Error('register handlers before start()');
    this.#handlers.set(type, handler as unknown as Handler<EventType>);
    return this;
  }

  onOutcome(listener: (outcome: Outcome) => void): () => void {
    this.#outcomes.on('outcome', listener);
    return () => this.#outcomes.off('outcome', listener);
  }

  async start(): Promise<void> {
    const missing = this.#options.topology.bindings
      .map((b) => b.routingKey)
      .filter((type) => !this.#handlers.has(type));
    if (missing.length > 0) {
      throw new Error(
        `${this.#options.name}: queue is bound to ${missing.join(', ')} but has no handler`,
      );
    }
    this.#started = true;
    await this.#options.connection.onConnected((connection) => this.#subscribe(connection));
  }

  /**
   * Drain: stop taking messages, let in-flight handlers finish (up to `deadlineMs`), then close
   * the channel. Anything still unacked returns to the queue for another replica.
   */
  async stop(deadlineMs = 10_000): Promise<{ drained: boolean }> {
    this.#stopping = true;
    const channel = this.#channel;
    if (channel && this.#consumerTag) {
      await channel.cancel(this.#consumerTag).catch(() => undefined);
    }
    this.#consumerTag = undefined;
    const idle =
      this.#inFlight === 0
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => (this.#idle = () => resolve(true)));
    const drained = await Promise.race([idle, sleep(deadlineMs).then(() => false)]);
    // Settled messages must not wait for the next tick: the channel closes now.
    this.#acks?.flush();
    this.#acks?.close();
    this.#acks = undefined;
    this.#channel = undefined;
    await channel?.close().catch(() => undefined);
    return { drained };
  }

  async #subscribe(connection: ChannelModel): Promise<void> {
    if (this.#stopping) return;
    const { topology, logger } = this.#options;
    const channel = await connection.createConfirmChannel();
    const acks = new Acks<Outcome>(
      channel,
      (outcome) => this.#outcomes.emit('outcome', outcome),
      (err) => logger.warn({ err: errorMessage(err) }, 'ack failed; messages will be redelivered'),
    );
    channel.on('error', (err: unknown) =>
      logger.warn({ err: errorMessage(err) }, 'consumer channel error'),
    );
    channel.on('close', () => {
      acks.close();
      if (this.#channel !== channel) return;
      this.#channel = undefined;
      this.#acks = undefined;
      this.#consumerTag = undefined;
      // The channel died but the connection lives (e.g. a broker-side channel error): re-subscribe.
      if (!this.#stopping && connection === this.#options.connection.current) {
        void sleep(500)
          .then(() => this.#subscribe(connection))
          .catch((err: unknown) =>
            logger.error({ err: errorMessage(err) }, 'consumer re-subscribe failed'),
          );
      }
    });
    await declareQueueTopology(channel, topology);
    await channel.prefetch(this.#options.prefetch ?? 50);
    this.#channel = channel;
    this.#acks = acks;
    const { consumerTag } = await channel.consume(
      topology.queue,
      (message) => {
        if (!message) return;
        acks.delivered(message);
        void this.#handle(channel, acks, message);
      },
      { noAck: false },
    );
    this.#consumerTag = consumerTag;
    logger.info({ queue: topology.queue }, 'consuming');
  }

  async #handle(
    channel: ConfirmChannel,
    acks: Acks<Outcome>,
    message: ConsumeMessage,
  ): Promise<void> {
    const delivery = new Delivery(channel, acks, message, this.#options);
    this.#inFlight++;
    try {
      const event = this.#parse(message);
      if (typeof event === 'string') {
        await this.#deadLetter(delivery, { kind: 'invalid', error: event });
        return;
      }
      const handler = this.#handlers.get(event.type);
      if (!handler) {
        await this.#deadLetter(delivery, {
          kind: 'unhandled',
          error: `no handler for ${event.type}`,
          event,
        });
        return;
      }
      try {
        await context.with(delivery.traceContext, () => handler(event, delivery));
      } catch (error) {
        await this.#failed(delivery, event, error);
        return;
      }
      this.#settle(delivery, {
        status: 'acked',
        eventId: event.id,
        type: event.type,
        attempt: delivery.attempt,
        durationMs: performance.now() - delivery.started,
      });
    } finally {
      delivery.span.end();
      if (--this.#inFlight === 0) this.#idle?.();
    }
  }

  /** The message's event, or why it is not one. */
  #parse(message: ConsumeMessage): Event | string {
    const maxBytes = this.#options.maxMessageBytes ?? defaultMaxMessageBytes;
    if (message.content.length > maxBytes) {
      return `message of ${message.content.length} bytes is over the ${maxBytes}-byte limit`;
    }
    try {
      return parseEvent(JSON.parse(message.content.toString('utf8')) as unknown);
    } catch (error) {
      return error instanceof ContractViolation
        ? error.message
        : `invalid JSON: ${errorMessage(error)}`;
    }
  }

  async #failed(delivery: Delivery, event: Event, error: unknown): Promise<void> {
    const { retry } = this.#options.topology;
    const reason = errorMessage(error);
    if (error instanceof PermanentFailure) {
      await this.#deadLetter(delivery, { kind: 'permanent', error: reason, event });
      return;
    }
    const { attempt } = delivery;
    if (attempt >= retry.maxAttempts) {
      await this.#deadLetter(delivery, { kind: 'exhausted', error: reason, event });
      return;
    }
    const delays = retry.delaysMs;
    const delayMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
    delivery.log.warn({ err: reason, delayMs }, 'handler failed; retrying later');
    const sent = await this.#republish(delivery, RetryRoute.wait(delayMs), {
      [Header.attempt]: attempt + 1,
      [Header.error]: clip(reason),
    });
    if (!sent) return;
    this.#settle(delivery, {
      status: 'retried',
      eventId: event.id,
      type: event.type,
      attempt,
      delayMs,
      error: reason,
      durationMs: performance.now() - delivery.started,
    });
  }

  async #deadLetter(
    delivery: Delivery,
    failure: { kind: FailureKind; error: string; event?: Event },
  ): Promise<void> {
    const { kind, error, event } = failure;
    const { message, attempt } = delivery;
    delivery.log.error({ kind, err: error }, 'message dead-lettered');
    const sent = await this.#republish(delivery, RetryRoute.dead, {
      [Header.attempt]: attempt,
      [Header.error]: clip(error),
      [Header.errorKind]: kind,
      [Header.failedAt]: new Date().toISOString(),
      [Header.consumer]: this.#options.name,
    });
    if (!sent) return;
    this.#settle(delivery, {
      status: 'dead-lettered',
      eventId: event?.id ?? (message.properties.messageId as string | undefined),
      type: event?.type ?? (message.properties.type as string | undefined),
      attempt,
      kind,
      error,
      durationMs: performance.now() - delivery.started,
    });
  }

  /**
   * Copies the message, body untouched, to the queue's retry exchange and waits for the broker's
   * confirm. Only then may the original be acked; if this fails the original stays unacked and
   * comes back, which idempotent handlers absorb.
   */
  async #republish(
    { channel, message }: Delivery,
    routingKey: string,
    headers: Record<string, unknown>,
  ): Promise<boolean> {
    const { properties, fields } = message;
    const forwarded = forwardedProperties(properties, {
      ...properties.headers,
      [Header.originalExchange]:
        headerString(properties, Header.originalExchange) ?? fields.exchange,
      [Header.originalRoutingKey]:
        headerString(properties, Header.originalRoutingKey) ?? fields.routingKey,
      ...headers,
    });
    try {
      await publishConfirmed(
        channel,
        this.#options.topology.retryExchange,
        routingKey,
        message.content,
        forwarded,
      );
      return true;
    } catch (error) {
      this.#options.logger.warn(
        { err: errorMessage(error), routingKey },
        'could not move message; it will be redelivered',
      );
      return false;
    }
  }

  /**
   * Acks on the channel the message came from, then reports the outcome; after a reconnect the
   * broker redelivers instead, and a stopped consumer acks nothing more.
   */
  #settle(delivery: Delivery, outcome: Outcome): void {
    recordOutcome(
      delivery.span,
      outcome.status,
      outcome.status === 'acked' ? undefined : outcome.error,
    );
    if (this.#channel === delivery.channel) delivery.acks.settle(delivery.message, outcome);
  }
}

/**
 * One message in the works, and the context its handler gets. The child logger is made only when
 * something logs: it costs more than a no-op handler.
 */
class Delivery implements HandlerContext {
  readonly started = performance.now();
  readonly attempt: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly channel: ConfirmChannel;
  readonly acks: Acks<Outcome>;
  readonly message: ConsumeMessage;
  /** The CONSUMER span; the handler runs in `traceContext`, so its own spans nest under it. */
  readonly span: Span;
  readonly traceContext: Context;
  readonly #logger: Logger;
  readonly #queue: string;
  #log: Logger | undefined;

  constructor(
    channel: ConfirmChannel,
    acks: Acks<Outcome>,
    message: ConsumeMessage,
    options: { readonly logger: Logger; readonly topology: QueueTopology },
  ) {
    this.channel = channel;
    this.acks = acks;
    this.message = message;
    this.attempt = attemptOf(message.properties);
    this.headers = message.properties.headers ?? noHeaders;
    this.#logger = options.logger;
    this.#queue = options.topology.queue;
    const traced = startProcessSpan(
      this.#queue,
      this.headers,
      message.properties.messageId,
      message.fields.routingKey,
    );
    this.span = traced.span;
    this.traceContext = traced.context;
  }

  get log(): Logger {
    return (this.#log ??= this.#logger.child({
      queue: this.#queue,
      messageId: this.message.properties.messageId as unknown,
      attempt: this.attempt,
    }));
  }
}

const noHeaders: Readonly<Record<string, unknown>> = Object.freeze({});
