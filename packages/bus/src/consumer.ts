import { EventEmitter } from 'node:events';
import { context } from '@opentelemetry/api';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import {
  ContractViolation,
  RetryRoute,
  parseEvent,
  type Event,
  type EventType,
  type QueueTopology,
} from '@herald/contracts';
import { Acks } from './acks.js';
import { reconnectDelay, sleep } from './backoff.js';
import type { BrokerConnection } from './connection.js';
import { Delivery, type Session } from './delivery.js';
import { errorMessage } from './errors.js';
import { Header, clip, forwardedProperties, headerString, publishConfirmed } from './headers.js';
import type { Logger } from './logger.js';
import { waitForRecovery, type OutagePolicy } from './outage.js';
import type { LifecycleEvent, Outcome } from './outcome.js';
import { classifyFailure, routeFailure, type Failure } from './routing.js';
import { declareQueueTopology, ensureExchanges } from './topology.js';
import { recordOutcome } from './tracing.js';

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

export interface ConsumerOptions<T extends EventType> {
  /** Only the part of a `BrokerConnection` a consumer uses (unit tests pass a fake broker). */
  readonly connection: Pick<BrokerConnection, 'onConnected' | 'current'>;
  readonly topology: QueueTopology<T>;
  /** Names this consumer in DLQ headers and logs. */
  readonly name: string;
  readonly logger: Logger;
  /** Unacked messages in flight per consumer; bounds memory and parallel handler work. */
  readonly prefetch?: number;
  /** Larger bodies go to the DLQ unparsed: no event is near this, and parsing one blocks the loop. */
  readonly maxMessageBytes?: number;
  /**
   * Which handler failures mean "a dependency is down" (and how to tell it is back): those pause
   * consuming instead of spending the message's attempts. Without one, every failure is retried.
   */
  readonly outage?: OutagePolicy;
}

/** Events are a few KB at most (a comment body is capped in the contract); 1 MiB is a clear outlier. */
export const defaultMaxMessageBytes = 1024 * 1024;

/** After this many refused moves in a row the consumer reports not ready, until one succeeds. */
export const refusedMovesBeforeNotReady = 3;

/**
 * Consumes one queue: parses every message against the contract, dispatches it to its typed
 * handler, and acks only after the handler resolved. A failure is routed by one decision table
 * (`routeFailure`): a wait queue (attempt number in the headers), the DLQ with the reason, a pause
 * while a dependency is down, or back to the queue after a delay; nothing is requeued in a loop.
 * It never stops silently: after a reconnect, a closed channel or a broker-side cancel (its queue
 * deleted) it re-declares its topology and subscribes again, and reads not ready until it has.
 */
export class Consumer<T extends EventType> {
  readonly #options: ConsumerOptions<T>;
  readonly #handlers = new Map<EventType, Handler<EventType>>();
  readonly #events = new EventEmitter();
  readonly #stopped = new AbortController();
  #inFlight = 0;
  /** Resolves a draining `stop()` once the last in-flight handler has settled its message. */
  #idle: (() => void) | undefined;
  #session: Session | undefined;
  #consumerTag: string | undefined;
  #started = false;
  /** Set while paused for an outage; resolves once the subscription is cancelled. */
  #paused: Promise<void> | undefined;
  #resubscribing = false;
  #reopening = false;
  #redeclaring = false;
  #refusedInARow = 0;

  constructor(options: ConsumerOptions<T>) {
    this.#options = options;
    this.#events.setMaxListeners(0);
  }

  /**
   * True while subscribed and able to settle what fails: readiness probes report it. False while
   * re-subscribing, while paused for an outage, and after `refusedMovesBeforeNotReady` refused
   * moves in a row until a move succeeds.
   */
  get consuming(): boolean {
    return this.#consumerTag !== undefined && this.#refusedInARow < refusedMovesBeforeNotReady;
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
    this.#events.on('outcome', listener);
    return () => this.#events.off('outcome', listener);
  }

  onLifecycle(listener: (event: LifecycleEvent) => void): () => void {
    this.#events.on('lifecycle', listener);
    return () => this.#events.off('lifecycle', listener);
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
    // Ends every wait: probes, re-subscribes, and delayed requeues (which nack at once).
    this.#stopped.abort();
    const session = this.#session;
    if (session && this.#consumerTag) {
      await session.channel.cancel(this.#consumerTag).catch(() => undefined);
    }
    this.#consumerTag = undefined;
    const idle =
      this.#inFlight === 0
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => (this.#idle = () => resolve(true)));
    const drained = await Promise.race([idle, sleep(deadlineMs).then(() => false)]);
    // Settled messages must not wait for the next tick: the channel closes now.
    session?.acks.flush();
    session?.acks.close();
    this.#session = undefined;
    await session?.channel.close().catch(() => undefined);
    return { drained };
  }

  get #stopping(): boolean {
    return this.#stopped.signal.aborted;
  }

  async #subscribe(connection: ChannelModel): Promise<void> {
    if (this.#stopping) return;
    const { logger } = this.#options;
    const channel = await connection.createConfirmChannel();
    const acks = new Acks<Outcome>(
      channel,
      (outcome) => this.#events.emit('outcome', outcome),
      (err) => logger.warn({ err: errorMessage(err) }, 'ack failed; messages will be redelivered'),
    );
    const session: Session = { connection, channel, acks };
    channel.on('error', (err: unknown) =>
      logger.warn({ err: errorMessage(err) }, 'consumer channel error'),
    );
    channel.on('close', () => {
      acks.close();
      if (this.#session !== session) return;
      this.#session = undefined;
      this.#consumerTag = undefined;
      // The channel died but the connection lives (e.g. a broker-side channel error): reopen.
      void this.#reopen(connection);
    });
    await this.#declare(session);
    await channel.prefetch(this.#options.prefetch ?? 50);
    this.#session = session;
    this.#refusedInARow = 0;
    if (!this.#paused) await this.#consume(session);
  }

  /** Opens a new channel on a connection that outlived the old one, with backoff until it works. */
  async #reopen(connection: ChannelModel): Promise<void> {
    if (this.#reopening) return;
    this.#reopening = true;
    try {
      for (let attempt = 0; ; attempt++) {
        await sleep(reconnectDelay(attempt, 500, 10_000), this.#stopped.signal);
        if (this.#stopping || this.#session || connection !== this.#options.connection.current) {
          return;
        }
        try {
          await this.#subscribe(connection);
          return;
        } catch (error) {
          this.#options.logger.warn(
            { err: errorMessage(error) },
            'consumer re-subscribe failed; trying again',
          );
        }
      }
    } finally {
      this.#reopening = false;
    }
  }

  async #consume(session: Session): Promise<void> {
    const { channel } = session;
    const { queue } = this.#options.topology;
    let cancelled = false;
    const { consumerTag } = await channel.consume(
      queue,
      (message) => {
        // amqplib's way of passing on the broker's basic.cancel (queue deleted, and the like).
        if (!message) {
          cancelled = true;
          return this.#cancelled(session);
        }
        session.acks.delivered(message);
        void this.#handle(session, message);
      },
      { noAck: false },
    );
    if (cancelled) return;
    if (this.#stopping || this.#paused || this.#session !== session) {
      await channel.cancel(consumerTag).catch(() => undefined);
      return;
    }
    this.#consumerTag = consumerTag;
    this.#options.logger.info({ queue }, 'consuming');
  }

  #cancelled(session: Session): void {
    if (this.#session !== session) return;
    this.#consumerTag = undefined;
    const { queue } = this.#options.topology;
    this.#options.logger.warn(
      { queue },
      'the broker cancelled the subscription; re-declaring the queue and subscribing again',
    );
    this.#events.emit('lifecycle', { type: 'cancelled', queue } satisfies LifecycleEvent);
    void this.#resubscribe(session);
  }

  /** Re-declares the topology and consumes on `session`, with backoff, for as long as it should. */
  async #resubscribe(session: Session): Promise<void> {
    if (this.#resubscribing) return;
    this.#resubscribing = true;
    const wanted = () =>
      !this.#stopping && !this.#paused && this.#session === session && !this.#consumerTag;
    try {
      for (let attempt = 0; wanted(); attempt++) {
        await sleep(reconnectDelay(attempt, 100, 10_000), this.#stopped.signal);
        if (!wanted()) return;
        try {
          await this.#declare(session);
          await this.#consume(session);
        } catch (error) {
          // A channel error closes the channel, and reopening takes over from here.
          this.#options.logger.warn({ err: errorMessage(error) }, 're-subscribe failed');
        }
      }
    } finally {
      this.#resubscribing = false;
    }
  }

  async #handle(session: Session, message: ConsumeMessage): Promise<void> {
    const delivery = new Delivery(session, message, this.#options);
    this.#inFlight++;
    try {
      const event = this.#parse(message);
      if (typeof event === 'string') {
        await this.#fail(delivery, { kind: 'invalid', reason: event });
        return;
      }
      const handler = this.#handlers.get(event.type);
      if (!handler) {
        await this.#fail(
          delivery,
          { kind: 'unhandled', reason: `no handler for ${event.type}` },
          event,
        );
        return;
      }
      try {
        await context.with(delivery.traceContext, () => handler(event, delivery));
      } catch (error) {
        await this.#fail(delivery, await this.#classify(error), event);
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

  /**
   * What a handler's error means. An error the outage policy cannot place is an outage too while
   * the dependency fails its probe: a store whose own backend is gone answers with a plain server
   * error (FerretDB: InternalError), and spending attempts on it dead-letters sound messages.
   */
  async #classify(error: unknown): Promise<Failure> {
    const { outage } = this.#options;
    const failure = classifyFailure(error, outage?.isOutage);
    if (failure.kind !== 'transient' || !outage) return failure;
    const answers = await outage.probe().catch(() => false);
    return answers ? failure : { kind: 'outage', reason: failure.reason };
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

  /** Executes what the decision table says about `failure`. */
  async #fail(delivery: Delivery, failure: Failure, event?: Event): Promise<void> {
    const { topology, name } = this.#options;
    const { attempt, message } = delivery;
    const decision = routeFailure(failure, {
      attempt,
      retry: topology.retry,
      waitDelaysMs: topology.waitQueues.map((w) => w.delayMs),
    });
    const error = failure.reason;
    const about = {
      eventId: event?.id ?? (message.properties.messageId as string | undefined),
      type: event?.type ?? (message.properties.type as string | undefined),
      attempt,
      error,
    };
    const took = () => performance.now() - delivery.started;
    switch (decision.action) {
      case 'dead-letter': {
        const { kind } = decision;
        delivery.log.error({ kind, err: error }, 'message dead-lettered');
        const headers = {
          [Header.attempt]: attempt,
          [Header.error]: clip(error),
          [Header.errorKind]: kind,
          [Header.failedAt]: new Date().toISOString(),
          [Header.consumer]: name,
        };
        if (await this.#move(delivery, RetryRoute.dead, headers)) {
          this.#settle(delivery, { ...about, status: 'dead-lettered', kind, durationMs: took() });
          return;
        }
        break;
      }
      case 'retry': {
        const { delayMs, nextAttempt } = decision;
        delivery.log.warn({ err: error, delayMs }, 'handler failed; retrying later');
        const headers = { [Header.attempt]: nextAttempt, [Header.error]: clip(error) };
        if (await this.#move(delivery, RetryRoute.wait(delayMs), headers)) {
          this.#settle(delivery, { ...about, status: 'retried', delayMs, durationMs: took() });
          return;
        }
        break;
      }
      case 'defer': {
        const { delayMs } = decision;
        delivery.log.debug({ reason: error, delayMs }, 'deferred; the attempt does not count');
        if (await this.#move(delivery, RetryRoute.wait(delayMs), { [Header.attempt]: attempt })) {
          this.#settle(delivery, { ...about, status: 'deferred', delayMs, durationMs: took() });
          return;
        }
        break;
      }
      case 'pause':
        // Cancel first: a message nacked while still subscribed would come straight back here.
        await this.#pause(error);
        this.#requeue(delivery, {
          ...about,
          status: 'requeued',
          cause: 'outage',
          durationMs: took(),
        });
        return;
      case 'requeue':
        if (failure.kind === 'move-refused') void this.#redeclare(delivery.session);
        await sleep(decision.afterMs, this.#stopped.signal);
        this.#requeue(
          delivery,
          failure.kind === 'deferred'
            ? { ...about, status: 'deferred', delayMs: decision.afterMs, durationMs: took() }
            : { ...about, status: 'requeued', cause: 'move-refused', durationMs: took() },
        );
        return;
    }
    // The broker refused the move. After a channel closed it has the message back already; on a
    // live channel the message must not sit unacked.
    if (this.#session !== delivery.session) return;
    this.#refusedInARow++;
    if (this.#refusedInARow === refusedMovesBeforeNotReady) {
      this.#options.logger.error(
        { queue: topology.queue, refused: this.#refusedInARow },
        'the broker keeps refusing moves to wait queues or the DLQ; not ready until one succeeds',
      );
    }
    await this.#fail(
      delivery,
      { kind: 'move-refused', reason: error, refusedInARow: this.#refusedInARow },
      event,
    );
  }

  /**
   * Copies the message, body untouched, to the queue's retry exchange and waits for the broker's
   * confirm. Only then may the original be acked; false if the broker refused it (a nack, a
   * return, a channel error), and the caller must put the original back.
   */
  async #move(
    { session, message }: Delivery,
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
        session.channel,
        this.#options.topology.retryExchange,
        routingKey,
        message.content,
        forwarded,
      );
      this.#refusedInARow = 0;
      return true;
    } catch (error) {
      this.#options.logger.warn(
        { err: errorMessage(error), routingKey },
        'the broker refused to move a message; it goes back to the queue',
      );
      return false;
    }
  }

  async #declare({ connection, channel }: Session): Promise<void> {
    const { topology } = this.#options;
    await ensureExchanges(
      connection,
      topology.bindings.map((b) => b.exchange),
    );
    await declareQueueTopology(channel, topology);
  }

  /** A refused move may mean a deleted wait queue or DLQ: declare them again, once at a time. */
  async #redeclare(session: Session): Promise<void> {
    if (this.#redeclaring) return;
    this.#redeclaring = true;
    try {
      await this.#declare(session);
    } catch (error) {
      this.#options.logger.warn({ err: errorMessage(error) }, 'topology re-declare failed');
    } finally {
      this.#redeclaring = false;
    }
  }

  /**
   * Stops taking messages until the outage policy's probe answers, then subscribes again.
   * Resolves once the subscription is cancelled, so requeued messages go to other replicas or wait.
   */
  #pause(reason: string): Promise<void> | undefined {
    const { outage, logger, topology } = this.#options;
    if (this.#paused || !outage) return this.#paused;
    const session = this.#session;
    const tag = this.#consumerTag;
    this.#consumerTag = undefined;
    const paused = (this.#paused =
      session && tag
        ? session.channel.cancel(tag).then(
            () => undefined,
            () => undefined,
          )
        : Promise.resolve());
    const { queue } = topology;
    const since = performance.now();
    logger.warn({ queue, err: reason }, 'a dependency is down; paused consuming until it answers');
    this.#events.emit('lifecycle', { type: 'paused', queue, reason } satisfies LifecycleEvent);
    void waitForRecovery(outage, this.#stopped.signal).then((recovered) => {
      if (!recovered) return;
      this.#paused = undefined;
      const pausedMs = performance.now() - since;
      logger.info({ queue, pausedMs }, 'the dependency answers again; resuming');
      this.#events.emit('lifecycle', { type: 'resumed', queue, pausedMs } satisfies LifecycleEvent);
      if (this.#session) void this.#resubscribe(this.#session);
    });
    return paused;
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
    if (this.#session === delivery.session) delivery.session.acks.settle(delivery.message, outcome);
  }

  /** Nacks the message back to its queue (same attempt), then reports the outcome. */
  #requeue(delivery: Delivery, outcome: Exclude<Outcome, { status: 'acked' }>): void {
    recordOutcome(delivery.span, outcome.status, outcome.error);
    if (this.#session === delivery.session)
      delivery.session.acks.requeue(delivery.message, outcome);
  }
}
