// The publisher's confirm handling against the fake broker (test/fake-amqp.ts): what `publish`
// resolves or rejects with for an ack, a nack, a basic.return, no connection and a closed channel.
// The same on the real broker: bus.int.spec.ts and unroutable.int.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testLogger } from '@herald/testkit';
import { FakeBroker } from '../test/fake-amqp.js';
import { BrokerUnavailable, PublishRejected, PublishUnroutable } from './errors.js';
import { aUserRegistered } from './fixtures.js';
import { Publisher } from './publisher.js';

async function started(broker = new FakeBroker()) {
  const publisher = new Publisher({
    connection: broker,
    source: 'unit',
    produces: ['user.registered'],
    logger: testLogger,
  });
  await publisher.start();
  return { broker, publisher };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Publisher', () => {
  it('resolves with the event once the broker confirms it, sent mandatory and persistent', async () => {
    const { broker, publisher } = await started();
    const event = await publisher.publish('user.registered', aUserRegistered(1));

    expect(broker.channel.published).toHaveLength(1);
    expect(broker.channel.published[0]).toMatchObject({
      exchange: 'identity',
      routingKey: 'user.registered',
    });
    expect(broker.channel.properties[0]).toMatchObject({
      messageId: event.id,
      type: 'user.registered',
      appId: 'unit',
      mandatory: true,
      persistent: true,
    });
  });

  it('rejects with PublishRejected when the broker nacks', async () => {
    const { broker, publisher } = await started();
    broker.channel.refusePublishes = true;

    await expect(publisher.publish('user.registered', aUserRegistered(1))).rejects.toBeInstanceOf(
      PublishRejected,
    );
  });

  it('rejects with PublishUnroutable when the broker returns the message, though it acks it', async () => {
    const { broker, publisher } = await started();
    broker.channel.unroutable.add('user.registered');

    const failure: unknown = await publisher
      .publish('user.registered', aUserRegistered(1))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishUnroutable);
    expect(failure).toMatchObject({ exchange: 'identity', routingKey: 'user.registered' });
  });

  it('fails with BrokerUnavailable when no channel opens within its deadline', async () => {
    vi.useFakeTimers();
    const publisher = new Publisher({
      connection: { current: undefined, onConnected: async () => undefined },
      source: 'unit',
      produces: ['user.registered'],
      logger: testLogger,
      connectTimeoutMs: 1_000,
    });
    await publisher.start();
    const sent = publisher.publish('user.registered', aUserRegistered(1));
    const failed = expect(sent).rejects.toBeInstanceOf(BrokerUnavailable);
    await vi.advanceTimersByTimeAsync(1_000);
    await failed;
  });

  it('reopens a channel the broker closed, on the same connection, and publishes on it', async () => {
    const { broker, publisher } = await started();
    broker.channel.brokerClose();
    await vi.waitFor(() => expect(publisher.ready).toBe(true));

    await publisher.publish('user.registered', aUserRegistered(2));
    expect(broker.channels).toHaveLength(2);
    expect(broker.channels[1]!.published).toHaveLength(1);
  });
});
