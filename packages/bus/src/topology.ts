import type { Channel, ChannelModel } from 'amqplib';
import { RetryRoute, type QueueTopology } from '@herald/contracts';

/** Quorum queues replicate and survive broker restarts; at-least-once dead-lettering needs reject-publish. */
const quorum = {
  'x-queue-type': 'quorum',
} as const;

function deadLetterTo(exchange: string, routingKey: string) {
  return {
    'x-dead-letter-exchange': exchange,
    'x-dead-letter-routing-key': routingKey,
    // The broker keeps a dead-lettered message until the target queue confirms it.
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  } as const;
}

export async function declareExchanges(
  channel: Channel,
  exchanges: Iterable<string>,
): Promise<void> {
  for (const exchange of new Set(exchanges)) {
    await channel.assertExchange(exchange, 'topic', { durable: true });
  }
}

/**
 * Declares a consumer's queue with its retry path and DLQ. Idempotent; runs on every reconnect.
 *
 *   domain exchanges --(event type)--> queue --(handler throws)--> retry exchange --wait.N--> wait queue
 *   wait queue --(TTL expires)--> retry exchange --requeue--> queue
 *   queue --(invalid / permanent / exhausted / delivery limit)--> retry exchange --dead--> DLQ
 */
export async function declareQueueTopology(
  channel: Channel,
  topology: QueueTopology,
): Promise<void> {
  await declareExchanges(
    channel,
    topology.bindings.map((b) => b.exchange),
  );
  await channel.assertExchange(topology.retryExchange, 'direct', { durable: true });

  await channel.assertQueue(topology.queue, {
    durable: true,
    arguments: {
      ...quorum,
      ...deadLetterTo(topology.retryExchange, RetryRoute.dead),
      'x-delivery-limit': topology.deliveryLimit,
    },
  });
  await channel.bindQueue(topology.queue, topology.retryExchange, RetryRoute.requeue);
  for (const binding of topology.bindings) {
    await channel.bindQueue(topology.queue, binding.exchange, binding.routingKey);
  }

  for (const wait of topology.waitQueues) {
    await channel.assertQueue(wait.name, {
      durable: true,
      arguments: {
        ...quorum,
        'x-message-ttl': wait.delayMs,
        ...deadLetterTo(topology.retryExchange, RetryRoute.requeue),
      },
    });
    await channel.bindQueue(wait.name, topology.retryExchange, RetryRoute.wait(wait.delayMs));
  }

  await channel.assertQueue(topology.deadLetterQueue, { durable: true, arguments: { ...quorum } });
  await channel.bindQueue(topology.deadLetterQueue, topology.retryExchange, RetryRoute.dead);
}

/** AMQP's reply code for a queue (or exchange) that does not exist. */
const NOT_FOUND = 404;

/**
 * Which of `queues` exist now: a passive declare each, which needs no permission on the queue. A
 * missing queue closes the channel (404), so the next check opens another.
 */
export async function existingQueues(
  connection: ChannelModel,
  queues: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  let channel: Channel | undefined;
  try {
    for (const queue of queues) {
      if (!channel) {
        channel = await connection.createChannel();
        // The 404 arrives as a channel error too; it is expected here.
        channel.on('error', () => undefined);
      }
      try {
        await channel.checkQueue(queue);
        found.add(queue);
      } catch (error) {
        if ((error as { code?: unknown }).code !== NOT_FOUND) throw error;
        channel = undefined;
      }
    }
  } finally {
    await channel?.close().catch(() => undefined);
  }
  return found;
}
