import { errorCatalog } from '@herald/errors';

/**
 * Thrown by a handler when retrying cannot help (a rejected recipient, a missing referenced record):
 * the message goes to the DLQ at once instead of waiting out every retry.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
  readonly code = errorCatalog.permanentFailure.code;
}

/** Publishing could not reach the broker within the caller's deadline; the event was not sent. */
export class BrokerUnavailable extends Error {
  override readonly name = 'BrokerUnavailable';
  readonly code = errorCatalog.brokerUnavailable.code;
}

/** The broker refused (nacked) a publish; the event was not stored. */
export class PublishRejected extends Error {
  override readonly name = 'PublishRejected';
  readonly code = errorCatalog.publishRejected.code;
}

/**
 * The broker returned a mandatory publish (basic.return): no queue is bound to `routingKey` on
 * `exchange`, so nobody received it. A failure like any other, not a confirmed send: the caller
 * keeps the message and tries again once a queue is bound.
 */
export class PublishUnroutable extends Error {
  override readonly name = 'PublishUnroutable';
  readonly code = errorCatalog.publishUnroutable.code;
  readonly exchange: string;
  readonly routingKey: string;

  constructor(exchange: string, routingKey: string) {
    super(`no queue is bound to exchange ${exchange} for routing key ${routingKey}`);
    this.exchange = exchange;
    this.routingKey = routingKey;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Thrown by a handler when the message cannot be handled now through no fault of its own (another
 * run of the same event holds its claim): it comes back after `delayMs`, and the attempt does not count.
 */
export class Deferred extends Error {
  override readonly name = 'Deferred';
  readonly code = errorCatalog.deferred.code;
  readonly delayMs: number;

  constructor(message: string, delayMs = 1_000) {
    super(message);
    this.delayMs = delayMs;
  }
}
