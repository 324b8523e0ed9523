import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './keyed-lock.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('keyed lock', () => {
  it('runs the tasks of one key one after another, and of different keys side by side', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      lock('mailer', task('a')),
      lock('mailer', task('b')),
      lock('notifier', task('c')),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log.indexOf('a end')).toBeLessThan(log.indexOf('b start'));
    expect(log.indexOf('c start')).toBeLessThan(log.indexOf('a end'));
  });

  it('keeps going after a task fails, and hands the failure to its caller', async () => {
    const lock = createKeyedLock();
    const failed = lock('mailer', async () => {
      throw new Error('broker gone');
    });
    const next = lock('mailer', async () => 'ok');
    await expect(failed).rejects.toThrow('broker gone');
    await expect(next).resolves.toBe('ok');
  });
});
