import { EventEmitter } from 'node:events';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  ContractViolation,
  RetryRoute,
  parseEvent,
  type Event,
  type EventType,
  type QueueTopology,
} from '@herald/contracts';
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
  readonly #inFlight = new Set<Promise<void>>();
  #channel: ConfirmChannel | undefined;
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
    return this.#inFlight.size;
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
    const all = Promise.allSettled([...this.#inFlight]).then(() => true);
    const drained = await Promise.race([all, sleep(deadlineMs).then(() => false)]);
    this.#channel = undefined;
    await channel?.close().catch(() => undefined);
    return { drained };
  }

  async #subscribe(connection: ChannelModel): Promise<void> {
    if (this.#stopping) return;
    const { topology, logger } = this.#options;
    const channel = await connection.createConfirmChannel();
    channel.on('error', (err: unknown) =>
      logger.warn({ err: errorMessage(err) }, 'consumer channel error'),
    );
    channel.on('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = undefined;
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
    const { consumerTag } = await channel.consume(
      topology.queue,
      (message) => {
        if (message) this.#track(this.#handle(channel, message));
      },
      { noAck: false },
    );
    this.#consumerTag = consumerTag;
    logger.info({ queue: topology.queue }, 'consuming');
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const started = performance.now();
    const attempt = attemptOf(message.properties);
    // A child logger costs more than a no-op handler: make it only when something is logged.
    let child: Logger | undefined;
    const logger = this.#options.logger;
    const bindings = {
      queue: this.#options.topology.queue,
      messageId: message.properties.messageId as unknown,
      attempt,
    };
    const log = () => (child ??= logger.child(bindings));
    let event: Event;
    const maxBytes = this.#options.maxMessageBytes ?? defaultMaxMessageBytes;
    try {
      if (message.content.length > maxBytes) {
        throw new ContractViolation(
          `message of ${message.content.length} bytes is over the ${maxBytes}-byte limit`,
        );
      }
      event = parseEvent(JSON.parse(message.content.toString('utf8')) as unknown);
    } catch (error) {
      const reason =
        error instanceof ContractViolation ? error.message : `invalid JSON: ${errorMessage(error)}`;
      await this.#deadLetter(channel, message, {
        kind: 'invalid',
        error: reason,
        attempt,
        started,
        log: log(),
      });
      return;
    }
    const handler = this.#handlers.get(event.type);
    if (!handler) {
      await this.#deadLetter(channel, message, {
        kind: 'unhandled',
        error: `no handler for ${event.type}`,
        attempt,
        started,
        log: log(),
        event,
      });
      return;
    }
    try {
      await handler(event, {
        attempt,
        get log() {
          return log();
        },
        headers: message.properties.headers ?? {},
      });
    } catch (error) {
      await this.#failed(channel, message, error, { attempt, started, log: log(), event });
      return;
    }
    if (this.#ack(channel, message)) {
      this.#emit({
        status: 'acked',
        eventId: event.id,
        type: event.type,
        attempt,
        durationMs: performance.now() - started,
      });
    }
  }

  async #failed(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    error: unknown,
    ctx: { attempt: number; started: number; log: Logger; event: Event },
  ): Promise<void> {
    const { retry } = this.#options.topology;
    const reason = errorMessage(error);
    if (error instanceof PermanentFailure) {
      await this.#deadLetter(channel, message, { kind: 'permanent', error: reason, ...ctx });
      return;
    }
    if (ctx.attempt >= retry.maxAttempts) {
      await this.#deadLetter(channel, message, { kind: 'exhausted', error: reason, ...ctx });
      return;
    }
    const delays = retry.delaysMs;
    const delayMs = delays[Math.min(ctx.attempt - 1, delays.length - 1)] ?? 0;
    ctx.log.warn({ err: reason, delayMs }, 'handler failed; retrying later');
    const sent = await this.#republish(channel, message, RetryRoute.wait(delayMs), {
      [Header.attempt]: ctx.attempt + 1,
      [Header.error]: clip(reason),
    });
    if (sent && this.#ack(channel, message)) {
      this.#emit({
        status: 'retried',
        eventId: ctx.event.id,
        type: ctx.event.type,
        attempt: ctx.attempt,
        delayMs,
        error: reason,
        durationMs: performance.now() - ctx.started,
      });
    }
  }

  async #deadLetter(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    ctx: {
      kind: FailureKind;
      error: string;
      attempt: number;
      started: number;
      log: Logger;
      event?: Event;
    },
  ): Promise<void> {
    ctx.log.error({ kind: ctx.kind, err: ctx.error }, 'message dead-lettered');
    const sent = await this.#republish(channel, message, RetryRoute.dead, {
      [Header.attempt]: ctx.attempt,
      [Header.error]: clip(ctx.error),
      [Header.errorKind]: ctx.kind,
      [Header.failedAt]: new Date().toISOString(),
      [Header.consumer]: this.#options.name,
    });
    if (sent && this.#ack(channel, message)) {
      this.#emit({
        status: 'dead-lettered',
        eventId: ctx.event?.id ?? (message.properties.messageId as string | undefined),
        type: ctx.event?.type ?? (message.properties.type as string | undefined),
        attempt: ctx.attempt,
        kind: ctx.kind,
        error: ctx.error,
        durationMs: performance.now() - ctx.started,
      });
    }
  }

  /**
   * Copies the message, body untouched, to the queue's retry exchange and waits for the broker's
   * confirm. Only then may the original be acked; if this fails the original stays unacked and
   * comes back, which idempotent handlers absorb.
   */
  async #republish(
    channel: ConfirmChannel,
    message: ConsumeMessage,
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

  /** Acks on the channel the message came from; after a reconnect the broker redelivers instead. */
  #ack(channel: ConfirmChannel, message: ConsumeMessage): boolean {
    if (this.#channel !== channel) return false;
    try {
      channel.ack(message);
      return true;
    } catch (error) {
      this.#options.logger.warn(
        { err: errorMessage(error) },
        'ack failed; message will be redelivered',
      );
      return false;
    }
  }

  #emit(outcome: Outcome): void {
    this.#outcomes.emit('outcome', outcome);
  }
}
