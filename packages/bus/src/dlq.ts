import type { Channel, ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { RetryRoute, type QueueTopology } from '@herald/contracts';
import { errorCatalog } from '@herald/errors';
import { sleep } from './backoff.js';
import { PublishUnroutable } from './errors.js';
import { Header, forwardedProperties, headerString, publishConfirmed } from './headers.js';

/** One message sitting in a DLQ, as an operator needs to see it. */
export interface DeadLetter {
  /** Position in the DLQ at the time of reading (0 = oldest). */
  readonly position: number;
  readonly messageId: string | undefined;
  readonly type: string | undefined;
  readonly kind: string | undefined;
  readonly error: string | undefined;
  readonly attempts: number | undefined;
  readonly failedAt: string | undefined;
  readonly consumer: string | undefined;
  readonly originalExchange: string | undefined;
  readonly originalRoutingKey: string | undefined;
  readonly traceparent: string | undefined;
  /** Every AMQP header as it arrived, the broker's x-death included. */
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

export type Selector = { readonly all: true } | { readonly messageId: string };

export class DeadLetterQueueMissing extends Error {
  override readonly name = 'DeadLetterQueueMissing';
  readonly code = errorCatalog.deadLetterQueueMissing.code;
}

/**
 * A replay found no queue to take the message back: the consumer's queue was deleted (or unbound
 * from its retry exchange). Nothing was delivered; the message stays in the DLQ.
 */
export class ReplayQueueMissing extends Error {
  override readonly name = 'ReplayQueueMissing';
  readonly code = errorCatalog.replayQueueMissing.code;
  /** How many messages this replay had sent back before it met the missing queue. */
  readonly replayed: number;

  constructor(topology: QueueTopology, replayed: number) {
    super(
      `${topology.queue} does not exist (or is not bound to ${topology.retryExchange}): ` +
        `nothing was replayed to it, the message stays in ${topology.deadLetterQueue}` +
        (replayed > 0 ? ` (${replayed} replayed before it)` : ''),
    );
    this.replayed = replayed;
  }
}

function describe(message: GetMessage, position: number): DeadLetter {
  const p = message.properties;
  // The broker's own dead-lettering (delivery limit) records its reason in x-death instead.
  const death = (p.headers?.['x-death'] as { reason?: string; queue?: string }[] | undefined)?.[0];
  const attempts = Number(headerString(p, Header.attempt));
  return {
    position,
    messageId: p.messageId as string | undefined,
    type: p.type as string | undefined,
    kind: headerString(p, Header.errorKind) ?? (death ? `broker:${death.reason}` : undefined),
    error:
      headerString(p, Header.error) ??
      (death ? `dead-lettered by the broker from ${death.queue}` : undefined),
    attempts: Number.isFinite(attempts) ? attempts : undefined,
    failedAt: headerString(p, Header.failedAt),
    consumer: headerString(p, Header.consumer),
    originalExchange: headerString(p, Header.originalExchange),
    originalRoutingKey: headerString(p, Header.originalRoutingKey),
    traceparent: headerString(p, 'traceparent'),
    headers: p.headers ?? {},
    body: message.content.toString('utf8'),
  };
}

function matches(selector: Selector, message: GetMessage): boolean {
  return 'all' in selector || message.properties.messageId === selector.messageId;
}

/**
 * Reads up to `limit` messages of the DLQ without removing them (they stay unacked until the
 * channel closes, which returns them in order), then lets `act` decide per message.
 */
async function withDeadLetters<R>(
  connection: ChannelModel,
  topology: QueueTopology,
  limit: number,
  act: (channel: ConfirmChannel, messages: GetMessage[]) => Promise<R>,
): Promise<R> {
  const channel = await connection.createConfirmChannel();
  // A missing queue closes the channel with 404; report that instead of crashing on the event.
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(topology.deadLetterQueue).catch(() => {
      throw new DeadLetterQueueMissing(
        `${topology.deadLetterQueue} does not exist (has the service consumed yet?)`,
      );
    });
    const messages: GetMessage[] = [];
    while (messages.length < limit) {
      const message = await channel.get(topology.deadLetterQueue, { noAck: false });
      if (message === false) break;
      messages.push(message);
    }
    return await act(channel, messages);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

export async function listDeadLetters(
  connection: ChannelModel,
  topology: QueueTopology,
  limit = 1_000,
): Promise<DeadLetter[]> {
  return withDeadLetters(connection, topology, limit, async (_channel, messages) =>
    messages.map(describe),
  );
}

/**
 * Sends the selected messages back to the consumer's queue with a fresh attempt count, at most
 * `ratePerSecond` a second so a replay cannot flood a recovering dependency. Returns how many.
 * Rejects with ReplayQueueMissing, leaving the message in the DLQ, when the queue is gone.
 */
export async function replayDeadLetters(
  connection: ChannelModel,
  topology: QueueTopology,
  selector: Selector,
  options: { readonly ratePerSecond?: number; readonly limit?: number } = {},
): Promise<number> {
  const gapMs = 1_000 / (options.ratePerSecond ?? 100);
  return withDeadLetters(
    connection,
    topology,
    options.limit ?? 10_000,
    async (channel, messages) => {
      let replayed = 0;
      for (const message of messages.filter((m) => matches(selector, m))) {
        if (replayed > 0) await sleep(gapMs);
        // Unacked, the message goes back to the DLQ when the channel closes.
        await republish(channel, topology, message).catch((error: unknown) => {
          throw error instanceof PublishUnroutable
            ? new ReplayQueueMissing(topology, replayed)
            : error;
        });
        channel.ack(message);
        replayed++;
      }
      return replayed;
    },
  );
}

export async function purgeDeadLetters(
  connection: ChannelModel,
  topology: QueueTopology,
  selector: Selector,
): Promise<number> {
  return withDeadLetters(connection, topology, 10_000, async (channel: Channel, messages) => {
    const chosen = messages.filter((m) => matches(selector, m));
    for (const message of chosen) channel.ack(message);
    return chosen.length;
  });
}

async function republish(
  channel: ConfirmChannel,
  topology: QueueTopology,
  message: GetMessage,
): Promise<void> {
  const { properties } = message;
  const headers: Record<string, unknown> = {
    ...properties.headers,
    [Header.attempt]: 1,
    [Header.replayedAt]: new Date().toISOString(),
  };
  delete headers['x-death'];
  await publishConfirmed(
    channel,
    topology.retryExchange,
    RetryRoute.requeue,
    message.content,
    forwardedProperties(properties, headers),
  );
}
