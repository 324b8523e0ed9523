import type { Message, Options } from 'amqplib';
import { PublishRejected, PublishUnroutable, errorMessage } from './errors.js';

/** What `publishMandatory` needs of an amqplib confirm channel (unit tests hand it a fake). */
export interface MandatoryChannel {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
    confirmed: (err: unknown) => void,
  ): boolean;
  on(event: 'return', listener: (message: Message) => void): unknown;
}

/**
 * The messages a channel's broker returned whose own confirm has not come yet. A basic.return
 * names no delivery tag, but RabbitMQ sends it before the basic.ack of the same message on the same
 * channel, so when a confirm arrives, any return of that message is already here. Each confirm
 * takes the first return of a message identical to its own (exchange, routing key, message id,
 * body). Identical messages in flight at once are interchangeable: whichever of them takes the
 * return, exactly as many of them fail as the broker returned, so no success is ever claimed for a
 * copy that reached no queue.
 */
class Returns {
  readonly #waiting: Message[] = [];

  constructor(channel: MandatoryChannel) {
    channel.on('return', (message) => this.#waiting.push(message));
  }

  take(exchange: string, routingKey: string, content: Buffer, messageId: unknown): boolean {
    if (this.#waiting.length === 0) return false;
    const index = this.#waiting.findIndex(
      ({ fields, properties, content: returned }) =>
        fields.exchange === exchange &&
        fields.routingKey === routingKey &&
        properties.messageId === messageId &&
        returned.equals(content),
    );
    if (index === -1) return false;
    this.#waiting.splice(index, 1);
    return true;
  }
}

/** One tracker per channel, made on its first mandatory publish; it goes with the channel. */
const returnsOf = new WeakMap<MandatoryChannel, Returns>();

/**
 * Publishes with `mandatory` on a confirm channel. `settled` gets nothing once a queue took the
 * message, PublishUnroutable when the broker returned it (no queue bound), PublishRejected when it
 * was nacked or the channel closed first. Returns what `channel.publish` returns (false: the
 * socket buffer is full, wait for `drain`).
 */
export function publishMandatory(
  channel: MandatoryChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
  settled: (failure?: PublishUnroutable | PublishRejected) => void,
): boolean {
  let returns = returnsOf.get(channel);
  if (!returns) {
    returns = new Returns(channel);
    returnsOf.set(channel, returns);
  }
  const tracked = returns;
  const mandatory = options.mandatory ? options : { ...options, mandatory: true };
  return channel.publish(exchange, routingKey, content, mandatory, (err) => {
    if (err) {
      const id = typeof options.messageId === 'string' ? ` ${options.messageId}` : '';
      settled(new PublishRejected(`${routingKey}${id}: ${errorMessage(err)}`));
    } else if (tracked.take(exchange, routingKey, content, options.messageId)) {
      settled(new PublishUnroutable(exchange, routingKey));
    } else {
      settled();
    }
  });
}
