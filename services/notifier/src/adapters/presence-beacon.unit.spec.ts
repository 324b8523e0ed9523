import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testLogger } from '@herald/testkit';
import { PresenceBeacon } from './presence-beacon.js';

/** Records each write as `{at, users}`; `fail` makes the next write reject. */
function fakeStore() {
  const writes: { at: number; users: Record<string, number> }[] = [];
  const removed: string[] = [];
  let fail = false;
  return {
    writes,
    removed,
    failNext: () => (fail = true),
    store: {
      async write(_replicaId: string, users: ReadonlyMap<string, Date>, at: Date) {
        if (fail) {
          fail = false;
          throw new Error('store down');
        }
        writes.push({
          at: at.getTime(),
          users: Object.fromEntries([...users].map(([id, since]) => [id, since.getTime()])),
        });
      },
      async remove(replicaId: string) {
        removed.push(replicaId);
      },
    },
  };
}

function beaconWith(fake: ReturnType<typeof fakeStore>) {
  return new PresenceBeacon({
    replicaId: 'r1',
    store: fake.store,
    heartbeatMs: 10_000,
    debounceMs: 250,
    now: () => new Date(),
    logger: testLogger,
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('PresenceBeacon', () => {
  it('writes once per heartbeat however many streams are open', async () => {
    const fake = fakeStore();
    const beacon = beaconWith(fake);
    beacon.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let n = 0; n < 50; n++) beacon.enter(`u-${n % 10}`);

    await vi.advanceTimersByTimeAsync(30_000);

    // The start, one debounced write for the fifty opens, three heartbeats.
    expect(fake.writes.map((w) => w.at)).toEqual([0, 250, 10_000, 20_000, 30_000]);
    expect(Object.keys(fake.writes.at(-1)?.users ?? {})).toHaveLength(10);
  });

  it('keeps a user until their last stream closes, since their first opened', async () => {
    const fake = fakeStore();
    const beacon = beaconWith(fake);
    beacon.start();
    const first = beacon.enter('u-ada');
    await vi.advanceTimersByTimeAsync(1_000);
    const second = beacon.enter('u-ada');

    first();
    first();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.writes.at(-1)?.users).toEqual({ 'u-ada': 0 });
    second();
    await vi.advanceTimersByTimeAsync(250);

    expect(fake.writes.at(-1)?.users).toEqual({});
  });

  it('writes a change made during a write right after it, once', async () => {
    const fake = fakeStore();
    let release = () => undefined as void;
    const slow = {
      ...fake.store,
      write: async (...args: Parameters<typeof fake.store.write>) => {
        await new Promise<void>((resolve) => (release = resolve));
        await fake.store.write(...args);
      },
    };
    const beacon = new PresenceBeacon({
      replicaId: 'r1',
      store: slow,
      heartbeatMs: 10_000,
      now: () => new Date(),
      logger: testLogger,
    });
    beacon.start();
    beacon.enter('u-ada');
    beacon.enter('u-grace');
    await vi.advanceTimersByTimeAsync(1_000);

    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await vi.advanceTimersByTimeAsync(0);

    expect(fake.writes.map((w) => Object.keys(w.users))).toEqual([[], ['u-ada', 'u-grace']]);
  });

  it('tries again at the next heartbeat after a failed write', async () => {
    const fake = fakeStore();
    fake.failNext();
    const beacon = beaconWith(fake);
    beacon.start();

    await vi.advanceTimersByTimeAsync(10_000);

    expect(fake.writes.map((w) => w.at)).toEqual([10_000]);
  });

  it('removes its document on stop and writes nothing more', async () => {
    const fake = fakeStore();
    const beacon = beaconWith(fake);
    beacon.start();
    beacon.enter('u-ada');

    await beacon.stop();
    await vi.advanceTimersByTimeAsync(30_000);

    expect(fake.removed).toEqual(['r1']);
    expect(fake.writes.map((w) => w.at)).toEqual([0]);
  });
});
