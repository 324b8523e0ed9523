// An in-memory stand-in for one queue on a broker, for unit tests of the consumer's recovery
// logic (in the spirit of amqp-connection-manager's test/fixtures.ts). It keeps what a real
// broker keeps for these tests: ready messages, deliveries per consumer, acks, nacks that requeue
// and redeliver, cancels, confirms. Real-broker behaviour is covered by the *.int.spec.ts files.
import { EventEmitter } from 'node:events';
import type { ChannelModel, ConsumeMessage, Options } from 'amqplib';
import { createEvent, type EventData, type EventType } from '@herald/contracts';
import type { ConnectedListener } from '../src/connection.js';

type Deliver = (message: ConsumeMessage | null) => void;

export interface Published {
  readonly exchange: string;
  readonly routingKey: string;
  readonly headers: Record<string, unknown>;
}

export class FakeChannel extends EventEmitter {
  /** What the client did, in order: `consume`, `cancel`, `ack:<tag>`, `ack-upto:<tag>`, `nack:<tag>`. */
  readonly frames: string[] = [];
  readonly published: Published[] = [];
  /** The properties of each publish, in the order of `published`. */
  readonly properties: Options.Publish[] = [];
  /** Queue names asserted, once per declaration. */
  readonly declared: string[] = [];
  /** Set to refuse publishes: the confirm comes back as a nack. */
  refusePublishes = false;
  /** Routing keys no queue is bound for: a mandatory publish comes back (basic.return), then its ack. */
  readonly unroutable = new Set<string>();
  /** Consume calls that fail before one succeeds again. */
  failConsumes = 0;
  closed = false;
  readonly #broker: FakeBroker;
  readonly #consumers = new Map<string, Deliver>();
  /** Delivered and neither acked nor nacked, by delivery tag. */
  readonly #unacked = new Map<number, ConsumeMessage>();
  #consumes = 0;

  constructor(broker: FakeBroker) {
    super();
    this.#broker = broker;
  }

  get subscribed(): boolean {
    return this.#consumers.size > 0;
  }

  async assertExchange(exchange: string): Promise<{ exchange: string }> {
    return { exchange };
  }

  async assertQueue(queue: string): Promise<{ queue: string }> {
    this.declared.push(queue);
    return { queue };
  }

  async bindQueue(): Promise<object> {
    return {};
  }

  async prefetch(): Promise<void> {}

  async consume(_queue: string, deliver: Deliver): Promise<{ consumerTag: string }> {
    if (this.failConsumes > 0) {
      this.failConsumes--;
      throw new Error('NOT_FOUND - no queue');
    }
    const consumerTag = `ctag-${++this.#consumes}`;
    this.#consumers.set(consumerTag, deliver);
    this.frames.push('consume');
    setImmediate(() => this.#broker.dispatch());
    return { consumerTag };
  }

  async cancel(consumerTag: string): Promise<object> {
    this.#consumers.delete(consumerTag);
    this.frames.push('cancel');
    return {};
  }

  ack(message: ConsumeMessage, allUpTo = false): void {
    this.#check();
    const tag = message.fields.deliveryTag;
    this.frames.push(`${allUpTo ? 'ack-upto' : 'ack'}:${tag}`);
    for (const unacked of [...this.#unacked.keys()]) {
      if (unacked === tag || (allUpTo && unacked < tag)) this.#unacked.delete(unacked);
    }
  }

  nack(message: ConsumeMessage, _allUpTo = false, requeue = true): void {
    this.#check();
    this.frames.push(`nack:${message.fields.deliveryTag}`);
    this.#unacked.delete(message.fields.deliveryTag);
    if (requeue) this.#broker.requeue(message);
  }

  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
    confirmed: (err: unknown) => void,
  ): boolean {
    this.#check();
    const headers = { ...(options.headers as Record<string, unknown> | undefined) };
    this.published.push({ exchange, routingKey, headers });
    this.properties.push(options);
    const refused = this.refusePublishes;
    const returned = options.mandatory === true && this.unroutable.has(routingKey);
    setImmediate(() => {
      // As RabbitMQ does: the return arrives before the confirm, which is an ack all the same.
      if (returned)
        this.emit('return', { fields: { exchange, routingKey }, properties: options, content });
      confirmed(refused ? new Error('message nacked') : null);
    });
    return true;
  }

  async close(): Promise<void> {
    this.#closeNow();
  }

  /** Messages this channel holds unacked. */
  get unacked(): number {
    return this.#unacked.size;
  }

  /** The broker hands `message` to this channel's consumer. */
  deliverTo(message: ConsumeMessage): boolean {
    const deliver = this.#consumers.values().next().value;
    if (!deliver || this.closed) return false;
    this.#unacked.set(message.fields.deliveryTag, message);
    deliver(message);
    return true;
  }

  /** What RabbitMQ does when the queue is deleted under its consumers: basic.cancel. */
  brokerCancel(): void {
    const consumers = [...this.#consumers.values()];
    this.#consumers.clear();
    for (const deliver of consumers) deliver(null);
  }

  /** A channel-level error from the broker: the channel closes, the connection lives on. */
  brokerClose(): void {
    this.emit('error', new Error('Channel closed by server: 406 (PRECONDITION-FAILED)'));
    this.#closeNow();
  }

  #closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.#consumers.clear();
    // Unacked messages of a closed channel go back to the queue.
    for (const message of this.#unacked.values()) this.#broker.requeue(message);
    this.#unacked.clear();
    this.emit('close');
  }

  #check(): void {
    if (this.closed) throw new Error('Channel closed');
  }
}

/**
 * One queue and the connection to it: what `BrokerConnection` gives a consumer (`onConnected`,
 * `current`), with the queue's messages kept here so nacks requeue and redeliver.
 */
export class FakeBroker {
  readonly channels: FakeChannel[] = [];
  readonly #listeners: ConnectedListener[] = [];
  readonly #ready: ConsumeMessage[] = [];
  #tag = 0;
  readonly current = {
    createConfirmChannel: async () => {
      const channel = new FakeChannel(this);
      this.channels.push(channel);
      return channel;
    },
    // The passive checks' channel (ensureExchanges): every exchange a consumer binds from exists.
    createChannel: async () => ({
      on: () => undefined,
      checkExchange: async (exchange: string) => ({ exchange }),
      close: async () => undefined,
    }),
  } as unknown as ChannelModel;

  get channel(): FakeChannel {
    const last = this.channels.at(-1);
    if (!last) throw new Error('no channel yet');
    return last;
  }

  async onConnected(listener: ConnectedListener): Promise<void> {
    this.#listeners.push(listener);
    await listener(this.current);
  }

  /** Publishes an event to the queue; `headers` as a wait queue or replay would set them. */
  publish<T extends EventType>(
    type: T,
    data: EventData<T>,
    headers: Record<string, unknown> = {},
  ): string {
    const event = createEvent(type, data, 'test');
    this.#ready.push(this.#message(Buffer.from(JSON.stringify(event)), event.id, type, headers));
    setImmediate(() => this.dispatch());
    return event.id;
  }

  requeue(message: ConsumeMessage): void {
    this.#ready.unshift(message);
    setImmediate(() => this.dispatch());
  }

  get ready(): number {
    return this.#ready.length;
  }

  dispatch(): void {
    const channel = this.channels.find((c) => c.subscribed && !c.closed);
    while (channel && this.#ready.length > 0) {
      const next = this.#ready.shift()!;
      const delivery = { ...next, fields: { ...next.fields, deliveryTag: ++this.#tag } };
      if (!channel.deliverTo(delivery)) {
        this.#ready.unshift(next);
        return;
      }
    }
  }

  #message(
    content: Buffer,
    messageId: string,
    type: string,
    headers: Record<string, unknown>,
  ): ConsumeMessage {
    return {
      content,
      fields: {
        deliveryTag: 0,
        redelivered: false,
        exchange: 'identity',
        routingKey: type,
        consumerTag: '',
      },
      properties: {
        messageId,
        type,
        headers,
        contentType: 'application/json',
        contentEncoding: undefined,
        deliveryMode: 2,
        priority: undefined,
        correlationId: undefined,
        replyTo: undefined,
        expiration: undefined,
        timestamp: undefined,
        userId: undefined,
        appId: 'test',
        clusterId: undefined,
      },
    };
  }
}
