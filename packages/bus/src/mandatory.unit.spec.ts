import { EventEmitter } from 'node:events';
import type { Message, Options } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { PublishRejected, PublishUnroutable } from './errors.js';
import { publishMandatory, type MandatoryChannel } from './mandatory.js';

interface Sent {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly options: Options.Publish;
  readonly confirm: (err: unknown) => void;
}

/**
 * A confirm channel whose broker the test plays by hand: the test decides when each publish is
 * returned and when it is confirmed, in any order RabbitMQ may use.
 */
class FakeConfirmChannel extends EventEmitter implements MandatoryChannel {
  readonly sent: Sent[] = [];

  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
    confirm: (err: unknown) => void,
  ): boolean {
    this.sent.push({ exchange, routingKey, content, options, confirm });
    return true;
  }

  /** basic.return of publish `n`: a copy of the message, as amqplib emits it. */
  returnOf(n: number): void {
    const { exchange, routingKey, content, options } = this.#at(n);
    const message: Message = {
      content: Buffer.from(content),
      fields: { deliveryTag: 0, redelivered: false, exchange, routingKey },
      properties: {
        contentType: options.contentType,
        contentEncoding: undefined,
        headers: options.headers as Message['properties']['headers'],
        deliveryMode: undefined,
        priority: undefined,
        correlationId: undefined,
        replyTo: undefined,
        expiration: undefined,
        messageId: options.messageId,
        timestamp: undefined,
        type: options.type,
        userId: undefined,
        appId: undefined,
        clusterId: undefined,
      },
    };
    this.emit('return', message);
  }

  ack(...ns: number[]): void {
    for (const n of ns) this.#at(n).confirm(null);
  }

  nack(n: number): void {
    this.#at(n).confirm(new Error('message nacked'));
  }

  #at(n: number): Sent {
    const sent = this.sent[n];
    if (!sent) throw new Error(`no publish #${n}`);
    return sent;
  }
}

type Result = 'routed' | 'pending' | PublishUnroutable | PublishRejected;

/** Publishes through `publishMandatory` and records how each publish settled. */
function publisher(channel: FakeConfirmChannel) {
  const results: Result[] = [];
  return {
    results,
    publish: (routingKey: string, body: string, messageId: string | undefined = body) => {
      const index = results.push('pending') - 1;
      publishMandatory(
        channel,
        'tasks',
        routingKey,
        Buffer.from(body),
        { messageId, persistent: true },
        (failure) => (results[index] = failure ?? 'routed'),
      );
    },
  };
}

const unroutable = (routingKey: string): unknown =>
  expect.objectContaining({ name: 'PublishUnroutable', exchange: 'tasks', routingKey });

describe('publishMandatory', () => {
  it('publishes with mandatory, so the broker returns what no queue takes', () => {
    const channel = new FakeConfirmChannel();
    publisher(channel).publish('task.created', 'a');
    expect(channel.sent[0]!.options).toMatchObject({ mandatory: true, messageId: 'a' });
  });

  it('resolves a confirmed publish the broker did not return', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('task.created', 'a');
    channel.ack(0);
    expect(results).toEqual(['routed']);
  });

  it('fails a returned publish with PublishUnroutable naming exchange and routing key, though its confirm is an ack', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('task.created', 'a');
    channel.returnOf(0);
    channel.ack(0);
    expect(results[0]).toBeInstanceOf(PublishUnroutable);
    expect(results).toEqual([unroutable('task.created')]);
    expect(String(results[0])).toMatch(/tasks.*task\.created/);
  });

  it('fails only the returned one of several publishes in flight, whatever order the acks take', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('task.created', 'a');
    publish('comment.created', 'b');
    publish('task.created', 'c');
    channel.returnOf(1);
    // Unroutable messages are confirmed at once, routed ones when their queue has them.
    channel.ack(1, 2, 0);
    expect(results).toEqual(['routed', unroutable('comment.created'), 'routed']);
  });

  it('keeps returns apart by body and message id when the routing key is the same', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('task.created', 'a', 'same-id');
    publish('task.created', 'b', 'same-id');
    publish('task.created', 'b', 'other-id');
    channel.returnOf(1);
    channel.ack(0, 1, 2);
    expect(results).toEqual(['routed', unroutable('task.created'), 'routed']);
  });

  it('fails as many of identical publishes in flight as the broker returned, whichever is acked first', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    // The first copy reached a queue; the queue was deleted; the second copy came back. Its
    // return arrives before the first copy's ack, which takes it: the copies are the same message,
    // and one reached a queue, so one success is true either way.
    publish('task.created', 'a');
    publish('task.created', 'a');
    channel.returnOf(1);
    channel.ack(0, 1);
    expect(results.filter((r) => r === 'routed')).toHaveLength(1);
    expect(results.filter((r) => r instanceof PublishUnroutable)).toHaveLength(1);
  });

  it('fails both of two identical publishes when both came back', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('task.created', 'a');
    publish('task.created', 'a');
    channel.returnOf(0);
    channel.returnOf(1);
    channel.ack(1, 0);
    expect(results).toEqual([unroutable('task.created'), unroutable('task.created')]);
  });

  it('reports a nack as PublishRejected and leaves a return for the message it belongs to', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('task.created', 'a');
    publish('task.created', 'a');
    channel.returnOf(1);
    channel.nack(0);
    channel.ack(1);
    expect(results[0]).toBeInstanceOf(PublishRejected);
    expect(results[1]).toEqual(unroutable('task.created'));
  });

  it('uses each return once: a later identical publish that was routed succeeds', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('task.created', 'a');
    channel.returnOf(0);
    channel.ack(0);
    publish('task.created', 'a');
    channel.ack(1);
    expect(results).toEqual([unroutable('task.created'), 'routed']);
  });

  it('correlates publishes without a message id by their body', () => {
    const channel = new FakeConfirmChannel();
    const { results, publish } = publisher(channel);
    publish('requeue', 'x', undefined);
    publish('requeue', 'y', undefined);
    channel.returnOf(0);
    channel.ack(0, 1);
    expect(results).toEqual([unroutable('requeue'), 'routed']);
  });
});
