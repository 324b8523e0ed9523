import { randomUUID } from 'node:crypto';
import type { ChannelModel } from 'amqplib';
import { defaultMaxMessageBytes } from '@herald/bus';
import { Exchange, exchangeName } from '@herald/contracts';

/** A message no consumer can accept, and the DLQ reason each consumer must give for it. */
export interface Poison {
  readonly kind: string;
  readonly body: Buffer;
  readonly reason: RegExp;
}

const envelope = (data: unknown, version = 1) => ({
  id: randomUUID(),
  type: 'comment.created',
  version,
  source: 'chaos',
  time: new Date().toISOString(),
  data,
});

/** One of each kind; each body is unique so it can be found again in the DLQs. */
export function poisonMessages(tag: string): Poison[] {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  return [
    { kind: 'invalid JSON', body: Buffer.from(`{"${tag}": oops`), reason: /invalid JSON/ },
    {
      kind: 'wrong schema',
      body: json(envelope({ tag, commentId: 42 })),
      reason: /comment\.created/,
    },
    {
      kind: 'unknown version',
      body: json(envelope({ tag }, 99)),
      reason: /unsupported version 99/,
    },
    {
      kind: 'oversize',
      body: json({ tag, pad: 'x'.repeat(defaultMaxMessageBytes) }),
      reason: /over the \d+-byte limit/,
    },
    { kind: 'no envelope', body: json([tag]), reason: /envelope/ },
  ];
}

/**
 * Publishes straight to the tasks exchange as `comment.created`, bypassing Herald's publisher:
 * no content type, no message id, no headers, as a broken or hostile producer would.
 */
export async function publishPoison(
  connection: ChannelModel,
  namespace: string,
  poison: readonly Poison[],
): Promise<void> {
  const channel = await connection.createConfirmChannel();
  try {
    for (const { body } of poison) {
      channel.publish(exchangeName(Exchange.tasks, namespace), 'comment.created', body);
    }
    await channel.waitForConfirms();
  } finally {
    await channel.close();
  }
}
