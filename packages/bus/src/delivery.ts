import type { Context, Span } from '@opentelemetry/api';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { QueueTopology } from '@herald/contracts';
import type { Acks } from './acks.js';
import type { HandlerContext } from './consumer.js';
import { attemptOf } from './headers.js';
import type { Logger } from './logger.js';
import type { Outcome } from './outcome.js';
import { startProcessSpan } from './tracing.js';

/** One consumer channel and the acks written on it. */
export interface Session {
  /** The connection the channel is on: passive checks need channels of their own. */
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  readonly acks: Acks<Outcome>;
}

/**
 * One message in the works, and the context its handler gets. The child logger is made only when
 * something logs: it costs more than a no-op handler.
 */
export class Delivery implements HandlerContext {
  readonly started = performance.now();
  readonly attempt: number;
  readonly headers: Readonly<Record<string, unknown>>;
  /** The channel the message came from: only there can it be acked or nacked. */
  readonly session: Session;
  readonly message: ConsumeMessage;
  /** The CONSUMER span; the handler runs in `traceContext`, so its own spans nest under it. */
  readonly span: Span;
  readonly traceContext: Context;
  readonly #logger: Logger;
  readonly #queue: string;
  #log: Logger | undefined;

  constructor(
    session: Session,
    message: ConsumeMessage,
    options: { readonly logger: Logger; readonly topology: QueueTopology },
  ) {
    this.session = session;
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
