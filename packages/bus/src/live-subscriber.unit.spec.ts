import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { createEvent, liveQueue, type Event } from '@herald/contracts';
import { eventually, testLogger } from '@herald/testkit';
import { LiveSubscriber } from './live-subscriber.js';

/** Just what LiveSubscriber uses of an amqplib channel; `failNext` makes the next declare throw. */
class FakeChannel extends EventEmitter {
  readonly queues: string[] = [];
  deliver: ((message: ConsumeMessage | null) => void) | undefined;
  closed = false;

  constructor(private readonly broker: FakeBroker) {
    super();
  }

  async assertExchange(): Promise<void> {}
  async assertQueue(queue: string): Promise<{ queue: string }> {
    if (this.broker.failNext) {
      this.broker.failNext = false;
      throw new Error('PRECONDITION_FAILED');
    }
    this.queues.push(queue);
    return { queue };
  }
  async bindQueue(): Promise<void> {}
  async consume(_queue: string, onMessage: (message: ConsumeMessage | null) => void) {
    this.deliver = onMessage;
    return { consumerTag: 'tag' };
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

class FakeBroker {
  readonly channels: FakeChannel[] = [];
  failNext = false;
  readonly connection = {
    createChannel: async () => {
      const channel = new FakeChannel(this);
      this.channels.push(channel);
      return channel;
    },
  };
  current: ChannelModel | undefined = this.connection as unknown as ChannelModel;
  readonly #listeners: ((connection: ChannelModel) => Promise<void> | void)[] = [];
  async onConnected(listener: (connection: ChannelModel) => Promise<void> | void) {
    this.#listeners.push(listener);
    if (this.current) await listener(this.current);
  }
  /** A new connection, as BrokerConnection makes after losing one: every listener runs again. */
  async reconnect(): Promise<void> {
    this.current = { ...this.connection } as unknown as ChannelModel;
    for (const listener of this.#listeners) await listener(this.current);
  }
  get queues(): string[] {
    return this.channels.flatMap((c) => c.queues);
  }
  get open(): FakeChannel {
    const channel = this.channels.findLast((c) => !c.closed && c.deliver);
    if (!channel) throw new Error('no open channel');
    return channel;
  }
}

function message(event: Event): ConsumeMessage {
  return {
    content: Buffer.from(JSON.stringify(event)),
    fields: {} as ConsumeMessage['fields'],
    properties: { headers: {} } as ConsumeMessage['properties'],
  };
}

const aNotificationCreated = (seq: number) =>
  createEvent(
    'notification.created',
    {
      userId: 'u-ada',
      seq,
      notification: {
        id: `e-${seq}:u-ada`,
        kind: 'welcome',
        title: 'Welcome',
        body: 'hi',
        createdAt: new Date(0).toISOString(),
        readAt: null,
      },
    },
    'notifier',
  );

async function start(broker = new FakeBroker()) {
  const received: number[] = [];
  let subscriptions = 0;
  const subscriber = new LiveSubscriber({
    connection: broker,
    topology: liveQueue('notifier', 'r1'),
    logger: testLogger,
    onEvent: (event) => received.push(event.data.seq),
    onSubscribed: () => subscriptions++,
    resubscribeDelayMs: 1,
  });
  await subscriber.start();
  return { broker, subscriber, received, subscriptions: () => subscriptions };
}

describe('LiveSubscriber recovery', () => {
  it('subscribes on a new queue after the broker cancels its consumer, and says so', async () => {
    const { broker, subscriber, received, subscriptions } = await start();
    broker.open.deliver?.(message(aNotificationCreated(1)));

    broker.open.deliver?.(null);

    await eventually('subscribed again', () => subscriptions() === 2 && subscriber.subscribed);
    expect(broker.queues).toEqual(['notifier.live.r1.1', 'notifier.live.r1.2']);
    broker.open.deliver?.(message(aNotificationCreated(2)));
    expect(received).toEqual([1, 2]);
  });

  it('subscribes again when the broker closes its channel, retrying a failed declare', async () => {
    const { broker, subscriber, subscriptions } = await start();
    broker.failNext = true;

    await broker.open.close();

    expect(subscriber.subscribed).toBe(false);
    await eventually('subscribed again', () => subscriptions() === 2 && subscriber.subscribed);
    expect(broker.queues).toEqual(['notifier.live.r1.1', 'notifier.live.r1.3']);
  });

  it('leaves a lost connection to the next one, and stays down once stopped', async () => {
    const { broker, subscriber, subscriptions } = await start();
    const first = broker.open;
    broker.current = undefined;

    await first.close();
    expect(broker.channels).toHaveLength(1);
    await broker.reconnect();
    expect(subscriptions()).toBe(2);
    await subscriber.stop();
    await broker.reconnect();

    expect(subscriptions()).toBe(2);
    expect(broker.channels).toHaveLength(2);
    expect(subscriber.subscribed).toBe(false);
  });

  it('keeps receiving when its handler throws', async () => {
    const broker = new FakeBroker();
    const seen: number[] = [];
    const subscriber = new LiveSubscriber({
      connection: broker,
      topology: liveQueue('notifier', 'r1'),
      logger: testLogger,
      onEvent: (event) => {
        seen.push(event.data.seq);
        if (event.data.seq === 1) throw new Error('stream gone');
      },
    });
    await subscriber.start();

    broker.open.deliver?.(message(aNotificationCreated(1)));
    broker.open.deliver?.(message(aNotificationCreated(2)));

    expect(seen).toEqual([1, 2]);
    expect(subscriber.subscribed).toBe(true);
  });
});
