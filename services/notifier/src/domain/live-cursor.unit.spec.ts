import { describe, expect, it } from 'vitest';
import { eventually } from '@herald/testkit';
import { LiveCursor } from './live-cursor.js';

interface Item {
  readonly seq: number;
}

/** A user's stored sequence and a recording client, around one cursor. */
function setUp(options: { stored?: number; replayLimit?: number; pageSize?: number } = {}) {
  const stored: Item[] = Array.from({ length: options.stored ?? 0 }, (_, i) => ({ seq: i + 1 }));
  const out: string[] = [];
  const reads: [number, number][] = [];
  const errors: unknown[] = [];
  let latestGate: Promise<void> = Promise.resolve();
  const cursor = new LiveCursor<Item>({
    read: async (after, limit) => {
      reads.push([after, limit]);
      return stored.filter((i) => i.seq > after).slice(0, limit);
    },
    latest: async () => {
      const latest = stored.length;
      await latestGate;
      return latest;
    },
    output: {
      item: (item) => out.push(`${item.seq}`),
      position: (seq) => out.push(`at ${seq}`),
      skipped: (after, until) => out.push(`skipped ${after + 1}-${until}`),
    },
    onError: (error) => errors.push(error),
    replayLimit: options.replayLimit ?? 100,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  return {
    cursor,
    out,
    reads,
    errors,
    /** Stores the next seq and returns it, as a live message would carry it. */
    store(): Item {
      const item = { seq: stored.length + 1 };
      stored.push(item);
      return item;
    },
    /** Holds `latest()` answers (the read at open) until the returned function is called. */
    holdLatest(): () => void {
      let release = () => undefined as void;
      latestGate = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    removeStored(seq: number) {
      stored.splice(
        stored.findIndex((i) => i.seq === seq),
        1,
      );
    },
    until: (what: string, expected: readonly string[]) =>
      eventually(what, () => out.length >= expected.length).then(() =>
        expect(out).toEqual(expected),
      ),
  };
}

describe('LiveCursor', () => {
  it('starts a new stream at the newest stored seq and sends what comes after, once each', async () => {
    const s = setUp({ stored: 3 });
    await s.cursor.open();
    const [four, five] = [s.store(), s.store()];

    s.cursor.offer(five);
    s.cursor.offer({ seq: 2 });
    s.cursor.offer(four);
    s.cursor.offer(five);

    await s.until('four and five', ['at 3', '4', '5']);
  });

  it('fills a gap from the store before sending the live item after it', async () => {
    const s = setUp();
    await s.cursor.open();
    const items = [s.store(), s.store(), s.store()];

    s.cursor.offer(items[2]!);

    await s.until('all three', ['at 0', '1', '2', '3']);
    s.cursor.offer(items[0]!);
    s.cursor.offer(items[1]!);
    s.cursor.offer(s.store());
    await s.until('the fourth', ['at 0', '1', '2', '3', '4']);
  });

  it('resumes after Last-Event-ID: the missed ones, then live, with none doubled', async () => {
    const s = setUp({ stored: 5 });
    const release = s.holdLatest();
    const opening = s.cursor.open(2);
    // Stored and announced while the cursor reads where the store ends.
    const six = s.store();
    s.cursor.offer(six);
    release();
    await opening;
    s.cursor.offer(six);
    s.cursor.offer(s.store());

    await s.until('3 to 7', ['3', '4', '5', '6', '7']);
  });

  it('replays at most the limit, the newest, and says which it skipped', async () => {
    const s = setUp({ stored: 12, replayLimit: 5 });

    await s.cursor.open(4);

    await s.until('the newest five', ['skipped 5-7', '8', '9', '10', '11', '12']);
  });

  it('replays in pages', async () => {
    const s = setUp({ stored: 250, replayLimit: 1_000, pageSize: 100 });

    await s.cursor.open(0);

    await eventually('all 250', () => s.out.length === 250);
    expect(s.out.at(-1)).toBe('250');
    expect(s.reads).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
    ]);
  });

  it('starts over from the store when the client is ahead of it', async () => {
    const s = setUp({ stored: 2 });

    await s.cursor.open(9);
    s.cursor.offer(s.store());

    await s.until('the next stored', ['at 2', '3']);
  });

  it('catches up with what was stored while no live message came', async () => {
    const s = setUp({ stored: 1 });
    await s.cursor.open();
    s.store();
    s.store();

    s.cursor.catchUp();

    await s.until('two and three', ['at 1', '2', '3']);
  });

  it('reports a seq missing from the store as skipped instead of stalling', async () => {
    const s = setUp({ stored: 1 });
    await s.cursor.open();
    s.store();
    const three = s.store();
    s.removeStored(2);

    s.cursor.offer(three);

    await s.until('three', ['at 1', 'skipped 2-2', '3']);
  });

  it('reports a store that cannot be read, and sends nothing after close', async () => {
    const errors: unknown[] = [];
    const failing = new LiveCursor<Item>({
      read: () => Promise.reject(new Error('store down')),
      latest: async () => 0,
      output: { item: () => undefined, position: () => undefined, skipped: () => undefined },
      onError: (error) => errors.push(error),
      replayLimit: 10,
    });
    await failing.open();
    failing.offer({ seq: 2 });
    await eventually('the error', () => errors.length === 1);
    expect(errors).toEqual([new Error('store down')]);

    const s = setUp({ stored: 1 });
    await s.cursor.open();
    s.cursor.close();
    s.cursor.offer(s.store());
    s.cursor.catchUp();
    // Every promise the cursor made has settled by the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.out).toEqual(['at 1']);
  });
});
