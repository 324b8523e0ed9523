import type { ConfirmChannel, MessageProperties, Options } from 'amqplib';
import { publishMandatory } from './mandatory.js';

/** AMQP header names Herald writes. The attempt number lives here, not in the broker's counters. */
export const Header = {
  attempt: 'x-herald-attempt',
  error: 'x-herald-error',
  errorKind: 'x-herald-error-kind',
  failedAt: 'x-herald-failed-at',
  consumer: 'x-herald-consumer',
  originalExchange: 'x-herald-original-exchange',
  originalRoutingKey: 'x-herald-original-routing-key',
  replayedAt: 'x-herald-replayed-at',
} as const;

/** Why a message is in a DLQ. */
export type FailureKind = 'invalid' | 'unhandled' | 'permanent' | 'exhausted';

/** The attempt this delivery is (1 = first). Garbage in the header counts as a first attempt. */
export function attemptOf(properties: MessageProperties): number {
  const raw: unknown = properties.headers?.[Header.attempt];
  const n = typeof raw === 'number' ? raw : Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export function headerString(properties: MessageProperties, name: string): string | undefined {
  const raw: unknown = properties.headers?.[name];
  if (raw === undefined || raw === null) return undefined;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint')
    return raw.toString();
  return JSON.stringify(raw);
}

/** Keeps error text well under AMQP's 64 KiB header table. */
export function clip(text: string, max = 2_000): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Publish options that carry a received message on unchanged, with `headers` replacing its headers. */
export function forwardedProperties(
  properties: MessageProperties,
  headers: Record<string, unknown>,
): Options.Publish {
  return {
    messageId: properties.messageId as string | undefined,
    type: properties.type as string | undefined,
    appId: properties.appId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    contentType: properties.contentType as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    persistent: true,
    headers,
  };
}

/**
 * Publishes with `mandatory` on a confirm channel and resolves once the broker confirms that a
 * queue took the message; rejects with PublishUnroutable when none was bound (the broker returned
 * it), PublishRejected when it was nacked or the channel closed.
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    publishMandatory(channel, exchange, routingKey, content, options, (failure) =>
      failure ? reject(failure) : resolve(),
    );
  });
}
