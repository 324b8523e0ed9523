import { describe, expect, it } from 'vitest';
import { SerialByKey } from './serial-by-key.js';

/** A task that logs its start and end and finishes when `release` is called. */
function gated(log: string[], name: string) {
  let release = () => undefined as void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

describe('SerialByKey', () => {
  it('runs tasks of one key one after another, and of other keys alongside', async () => {
    const serial = new SerialByKey();
    const log: string[] = [];
    const [a1, a2, b1] = [gated(log, 'a1'), gated(log, 'a2'), gated(log, 'b1')];

    const results = [serial.run('a', a1.task), serial.run('a', a2.task), serial.run('b', b1.task)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a1', 'start b1']);
    a2.release();
    b1.release();
    a1.release();

    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1']);
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
  });

  it('runs the next task of a key after one that failed, and passes the failure on', async () => {
    const serial = new SerialByKey();

    const failed = serial.run('a', () => Promise.reject(new Error('store down')));
    const next = serial.run('a', async () => 'next');

    await expect(failed).rejects.toThrow('store down');
    expect(await next).toBe('next');
  });
});
