import { describe, expect, it } from 'vitest';
import { ReplayJobs } from './replay-jobs.js';

/** A DLQ of `depth` messages; a message replayed at step `failAt` makes the broker refuse. */
function fakeDlq(depth: number, failAt?: number) {
  let left = depth;
  let replays = 0;
  return {
    get left() {
      return left;
    },
    depth: async () => left,
    replayOldest: async () => {
      replays++;
      if (replays === failAt) throw new Error('channel closed');
      if (left === 0) return 0;
      left--;
      return 1;
    },
  };
}

function jobs(store: ReturnType<typeof fakeDlq>, ratePerSecond = 10) {
  let time = 0;
  const slept: number[] = [];
  const replay = new ReplayJobs({
    store,
    ratePerSecond,
    now: () => new Date(time),
    sleep: async (ms) => {
      slept.push(ms);
      time += ms;
    },
  });
  return { replay, slept };
}

describe('replay jobs', () => {
  it('replays the messages that were there at the start, oldest first, at the given rate', async () => {
    const dlq = fakeDlq(3);
    const { replay, slept } = jobs(dlq, 10);
    expect(await replay.start('mailer')).toBe(true);
    expect(replay.progress('mailer')).toMatchObject({ state: 'running', done: 0 });
    await replay.settled('mailer');

    expect(replay.progress('mailer')).toMatchObject({
      service: 'mailer',
      total: 3,
      done: 3,
      state: 'finished',
      error: undefined,
    });
    expect(dlq.left).toBe(0);
    expect(slept).toEqual([100, 100]);
  });

  it('runs one replay per service at a time', async () => {
    const { replay } = jobs(fakeDlq(2));
    expect(await replay.start('mailer')).toBe(true);
    expect(await replay.start('mailer')).toBe(false);
    expect(await replay.start('notifier')).toBe(true);
    await replay.settled('mailer');
    expect(await replay.start('mailer')).toBe(true);
  });

  it('ends early when the DLQ empties under it, and reports a broker failure with its reason', async () => {
    const shrinking = fakeDlq(5);
    const { replay } = jobs({
      ...shrinking,
      depth: async () => 8,
      replayOldest: () => shrinking.replayOldest(),
      get left() {
        return shrinking.left;
      },
    });
    await replay.start('mailer');
    await replay.settled('mailer');
    expect(replay.progress('mailer')).toMatchObject({ total: 8, done: 5, state: 'finished' });

    const failing = jobs(fakeDlq(4, 2)).replay;
    await failing.start('notifier');
    await failing.settled('notifier');
    expect(failing.progress('notifier')).toMatchObject({
      done: 1,
      state: 'failed',
      error: 'channel closed',
    });
  });

  it('stops after the message in hand on shutdown', async () => {
    const dlq = fakeDlq(100);
    const { replay } = jobs(dlq);
    await replay.start('mailer');
    await replay.stop();
    expect(replay.progress('mailer')?.state).toBe('finished');
    expect(dlq.left).toBeGreaterThan(0);
  });
});
