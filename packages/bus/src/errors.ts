import { errorCatalog } from '@herald/errors';

// Handlers throw these (and import them from @herald/errors, which loads no driver); the consumer
// routes by them.
export { Deferred, PermanentFailure, errorMessage } from '@herald/errors';

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
