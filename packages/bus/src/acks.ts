import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * The acks of one consumer channel. A message is still acked only once its own handling settled
 * it, but everything settled in one event-loop turn goes out together: one `multiple` ack for the
 * settled messages at the head of the delivery order, single acks for any settled behind one
 * still running. Per message that saves an AMQP frame and a socket write, and a slow handler
 * never holds back the acks of the messages after it.
 */
export class Acks<T> {
  readonly #channel: Channel;
  readonly #onWritten: (settled: T) => void;
  readonly #onError: (error: unknown) => void;
  /** Delivered and not acked, in delivery order (a Map iterates in insertion order). */
  readonly #unacked = new Map<number, ConsumeMessage>();
  /** What each settled message reports once its ack is written. */
  readonly #settled = new Map<number, T>();
  #flush: NodeJS.Immediate | undefined;
  #closed = false;

  /** `onWritten` reports each settled message once its ack (or nack) is written. */
  constructor(
    channel: Channel,
    onWritten: (settled: T) => void,
    onError: (error: unknown) => void,
  ) {
    this.#channel = channel;
    this.#onWritten = onWritten;
    this.#onError = onError;
  }

  delivered(message: ConsumeMessage): void {
    this.#unacked.set(message.fields.deliveryTag, message);
  }

  /** Acks `message` before the next turn of the event loop, then reports `settled`. */
  settle(message: ConsumeMessage, settled: T): void {
    if (this.#closed) return;
    this.#settled.set(message.fields.deliveryTag, settled);
    this.#flush ??= setImmediate(() => this.flush());
  }

  /** Writes the pending acks now (a draining consumer does, before it closes the channel). */
  flush(): void {
    if (this.#flush) clearImmediate(this.#flush);
    this.#flush = undefined;
    if (this.#closed || this.#settled.size === 0) return;
    let head: ConsumeMessage | undefined;
    const behind: ConsumeMessage[] = [];
    let found = 0;
    let inOrder = true;
    for (const [tag, message] of this.#unacked) {
      if (!this.#settled.has(tag)) {
        inOrder = false;
        continue;
      }
      if (inOrder) head = message;
      else behind.push(message);
      if (++found === this.#settled.size) break;
    }
    try {
      if (head) this.#channel.ack(head, true);
      for (const message of behind) this.#channel.ack(message);
    } catch (error) {
      // The channel is gone: the broker redelivers every unacked message, so nothing is reported.
      this.close();
      this.#onError(error);
      return;
    }
    const settled = [...this.#settled];
    this.#settled.clear();
    for (const [tag, outcome] of settled) {
      this.#unacked.delete(tag);
      this.#onWritten(outcome);
    }
  }

  /**
   * Nacks `message` back to its queue now, then reports `settled`. A pending multiple ack never
   * covers it: only settled messages at the head of the delivery order are acked that way.
   */
  requeue(message: ConsumeMessage, settled: T): void {
    if (this.#closed) return;
    this.#unacked.delete(message.fields.deliveryTag);
    try {
      this.#channel.nack(message, false, true);
    } catch (error) {
      this.close();
      this.#onError(error);
      return;
    }
    this.#onWritten(settled);
  }

  /** The channel closed: its unacked messages go back to the queue, nothing more is acked here. */
  close(): void {
    this.#closed = true;
    if (this.#flush) clearImmediate(this.#flush);
    this.#flush = undefined;
    this.#unacked.clear();
    this.#settled.clear();
  }
}
