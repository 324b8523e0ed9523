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
 * Declares a consumer's queue with its retry path and DLQ. Idempotent; runs on every reconnect,
 * after `ensureExchanges` made the exchanges it binds from exist.
 *
 *   domain exchanges --(event type)--> queue --(handler throws)--> retry exchange --wait.N--> wait queue
 *   wait queue --(TTL expires)--> retry exchange --requeue--> queue
 *   queue --(invalid / permanent / exhausted / delivery limit)--> retry exchange --dead--> DLQ
 */
export async function declareQueueTopology(
  channel: Channel,
  topology: QueueTopology,
): Promise<void> {
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
 * Which of `names` exist now, by passive declares (`check`), which need no permission. A missing
 * one closes the channel (404), so the next check opens another.
 */
async function existing(
  connection: ChannelModel,
  names: Iterable<string>,
  check: (channel: Channel, name: string) => Promise<unknown>,
): Promise<Set<string>> {
  const found = new Set<string>();
  let channel: Channel | undefined;
  try {
    for (const name of names) {
      if (!channel) {
        channel = await connection.createChannel();
        // The 404 arrives as a channel error too; it is expected here.
        channel.on('error', () => undefined);
      }
      try {
        await check(channel, name);
        found.add(name);
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

/** Which of `queues` exist now (a passive declare each: no permission needed on the queue). */
export function existingQueues(
  connection: ChannelModel,
  queues: readonly string[],
): Promise<Set<string>> {
  return existing(connection, queues, (channel, queue) => channel.checkQueue(queue));
}

/**
 * Makes the exchanges a consumer binds from exist without asking for configure permission where
 * they already do: a passive check each, and a declare only for the missing ones (a development
 * broker without deploy/rabbitmq/definitions.json). So a consumer's broker user needs no right to
 * delete the exchanges other services publish to.
 */
export async function ensureExchanges(
  connection: ChannelModel,
  exchanges: Iterable<string>,
): Promise<void> {
  const wanted = [...new Set(exchanges)];
  const found = await existing(connection, wanted, (channel, exchange) =>
    channel.checkExchange(exchange),
  );
  const missing = wanted.filter((exchange) => !found.has(exchange));
  if (missing.length === 0) return;
  const channel = await connection.createChannel();
  try {
    await declareExchanges(channel, missing);
  } finally {
    await channel.close().catch(() => undefined);
  }
}
