import type { Channel, ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { Acks } from './acks.js';

const message = (deliveryTag: number) => ({ fields: { deliveryTag } }) as ConsumeMessage;

function setup(fail = false) {
  const frames: string[] = [];
  const channel = {
    ack(m: ConsumeMessage, allUpTo?: boolean) {
      if (fail) throw new Error('Channel closed');
      frames.push(`${allUpTo ? 'upTo' : 'one'}:${m.fields.deliveryTag}`);
    },
    nack(m: ConsumeMessage, allUpTo?: boolean, requeue?: boolean) {
      if (fail) throw new Error('Channel closed');
      frames.push(
        `nack${allUpTo ? '-upTo' : ''}${requeue ? '-requeue' : ''}:${m.fields.deliveryTag}`,
      );
    },
  } as unknown as Channel;
  const reported: string[] = [];
  const errors: unknown[] = [];
  const acks = new Acks<string>(
    channel,
    (s) => reported.push(s),
    (e) => errors.push(e),
  );
  const deliver = (...tags: number[]) => tags.map((t) => (acks.delivered(message(t)), message(t)));
  return { acks, frames, reported, errors, deliver };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('Acks', () => {
  it('acks what settled in one turn with a single multiple ack, after the handlers, not before', async () => {
    const { acks, frames, reported, deliver } = setup();
    const [m1, m2, m3] = deliver(1, 2, 3);
    acks.settle(m2!, 'two');
    acks.settle(m1!, 'one');
    acks.settle(m3!, 'three');
    expect(frames).toEqual([]);
    await nextTurn();
    expect(frames).toEqual(['upTo:3']);
    expect(reported).toEqual(['two', 'one', 'three']);
  });

  it('never acks a message still being handled: those settled behind it are acked one by one', async () => {
    const { acks, frames, reported, deliver } = setup();
    const [m1, m2, m3, m4] = deliver(1, 2, 3, 4);
    acks.settle(m3!, 'three');
    acks.settle(m4!, 'four');
    await nextTurn();
    expect(frames).toEqual(['one:3', 'one:4']);
    acks.settle(m1!, 'one');
    await nextTurn();
    expect(frames).toEqual(['one:3', 'one:4', 'upTo:1']);
    acks.settle(m2!, 'two');
    acks.flush();
    expect(frames).toEqual(['one:3', 'one:4', 'upTo:1', 'upTo:2']);
    expect(reported).toEqual(['three', 'four', 'one', 'two']);
  });

  it('nacks a requeued message at once, and a later multiple ack never covers it', async () => {
    const { acks, frames, reported, deliver } = setup();
    const [m1, m2, m3] = deliver(1, 2, 3);
    acks.requeue(m2!, 'two back');
    expect(frames).toEqual(['nack-requeue:2']);
    acks.settle(m1!, 'one');
    acks.settle(m3!, 'three');
    await nextTurn();
    // With 2 no longer outstanding, "up to 3" acks exactly 1 and 3.
    expect(frames).toEqual(['nack-requeue:2', 'upTo:3']);
    expect(reported).toEqual(['two back', 'one', 'three']);
  });

  it('acks nothing once its channel closed, and reports nothing when the channel refuses', async () => {
    const closed = setup();
    const [a] = closed.deliver(1);
    closed.acks.settle(a!, 'a');
    closed.acks.close();
    await nextTurn();
    expect(closed.frames).toEqual([]);
    expect(closed.reported).toEqual([]);

    const refused = setup(true);
    const [b] = refused.deliver(1);
    refused.acks.settle(b!, 'b');
    await nextTurn();
    expect(refused.reported).toEqual([]);
    expect(refused.errors).toHaveLength(1);
  });
});
