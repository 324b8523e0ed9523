// BrokerConnection's recovery against a fake amqplib connect (an EventEmitter per connection, as in
// amqp-connection-manager's test/fixtures.ts), on fake timers. The real-broker side: bus.int.spec.ts.
import { EventEmitter } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '@herald/testkit';
import { BrokerConnection, type SocketOptions } from './connection.js';

/** One fake AMQP connection: `close()` emits `close` as amqplib's does. */
class FakeConnection extends EventEmitter {
  closed = false;
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

/** A connect that refuses `refusals` times, then opens a FakeConnection per call. */
function fakeConnect(refusals = 0) {
  const opened: FakeConnection[] = [];
  const calls: { url: string; options: SocketOptions }[] = [];
  let refused = 0;
  const connect = async (url: string, options: SocketOptions) => {
    calls.push({ url, options });
    if (refused < refusals) {
      refused++;
      throw new Error('connect ECONNREFUSED 127.0.0.1:5672');
    }
    const connection = new FakeConnection();
    opened.push(connection);
    return connection as unknown as ChannelModel;
  };
  return { connect, opened, calls };
}

const initialMs = 100;
const maxMs = 300;

function setup(refusals = 0) {
  const fake = fakeConnect(refusals);
  const { logger, lines } = recordingLogger();
  const connection = new BrokerConnection({
    url: 'amqp://guest:guest@broker:5672',
    name: 'recovery-unit',
    logger,
    reconnectInitialMs: initialMs,
    reconnectMaxMs: maxMs,
    connect: fake.connect,
  });
  // Every connection the listeners were run for, in order.
  const seen: unknown[] = [];
  void connection.onConnected((c) => void seen.push(c));
  stop = () => connection.close();
  const delays = () =>
    lines.filter((l) => l.msg === 'broker connection failed').map((l) => l.retryInMs as number);
  return { ...fake, connection, lines, delays, seen };
}

let stop: (() => Promise<void>) | undefined;
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  vi.useRealTimers();
});

/** Runs what is due now (promise callbacks, zero timers) without letting time pass. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('BrokerConnection', () => {
  it('connects with its name, a heartbeat and a timeout, and runs its listeners once', async () => {
    const { connection, calls, opened, seen } = setup();
    connection.start();
    await settle();

    expect(calls).toHaveLength(1);
    expect(new URL(calls[0]!.url).searchParams.get('heartbeat')).toBe('15');
    expect(calls[0]!.options).toEqual({
      clientProperties: { connection_name: 'recovery-unit' },
      timeout: 10_000,
    });
    expect(seen).toEqual([opened[0]]);
    expect(connection.current).toBe(opened[0]);
  });

  it('retries a refused connect with jittered delays that double up to the cap', async () => {
    const { connection, calls, delays } = setup(4);
    const connected = connection.waitUntilConnected(60_000);
    connection.start();
    for (let refusal = 0; refusal < 4; refusal++) {
      await settle();
      await vi.advanceTimersByTimeAsync(delays().at(-1) ?? 0);
    }
    await connected;

    expect(calls).toHaveLength(5);
    const ceilings = [100, 200, 300, 300];
    expect(delays()).toHaveLength(4);
    delays().forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[i]!);
    });
  });

  it('does not connect again before the delay has passed', async () => {
    const { connection, calls, delays } = setup(1);
    connection.start();
    await settle();
    await vi.advanceTimersByTimeAsync(delays()[0]! - 1);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
  });

  it('reconnects at once when the broker drops a connection, and runs every listener again', async () => {
    const { connection, opened, lines, seen } = setup();
    connection.start();
    await settle();

    opened[0]!.emit('close', new Error('CONNECTION_FORCED - broker forced connection closure'));
    await settle();

    expect(seen).toEqual([opened[0], opened[1]]);
    expect(connection.current).toBe(opened[1]);
    expect(lines.some((l) => l.msg === 'broker connection lost')).toBe(true);
  });

  it('closes a connection whose setup fails, and waits out a delay before the next', async () => {
    const { connection, opened, calls, lines } = setup();
    let failures = 1;
    await connection.onConnected(() => {
      if (failures-- > 0) throw new Error('PRECONDITION_FAILED - inequivalent arg');
    });
    const connected = connection.waitUntilConnected(60_000);
    connection.start();
    await settle();

    expect(opened[0]!.closed).toBe(true);
    expect(lines.some((l) => l.msg === 'broker setup failed; reconnecting')).toBe(true);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(initialMs);
    await connected;
    expect(calls).toHaveLength(2);
    expect(connection.current).toBe(opened[1]);
  });

  it('logs a connection error instead of crashing, and keeps the connection', async () => {
    const { connection, opened, lines } = setup();
    connection.start();
    await settle();

    opened[0]!.emit('error', new Error('read ECONNRESET'));
    expect(lines.some((l) => l.msg === 'broker connection error')).toBe(true);
    expect(connection.current).toBe(opened[0]);
  });

  it('stops on close: the connection is closed and never opened again', async () => {
    const { connection, opened, calls } = setup();
    connection.start();
    await settle();
    await connection.close();
    await vi.advanceTimersByTimeAsync(maxMs * 10);

    expect(opened[0]!.closed).toBe(true);
    expect(calls).toHaveLength(1);
    expect(connection.connected).toBe(false);
  });
});
