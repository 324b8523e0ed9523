import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runShutdownSteps } from './shutdown.js';

const silent = pino({ level: 'silent' });

describe('runShutdownSteps', () => {
  it('runs every step in order and reports none failed', async () => {
    const ran: string[] = [];
    const failed = await runShutdownSteps(
      {
        'stop consuming': async () => ran.push('consumer'),
        'close HTTP': () => ran.push('http'),
        'close store client': async () => ran.push('store'),
      },
      silent,
    );
    expect(ran).toEqual(['consumer', 'http', 'store']);
    expect(failed).toEqual([]);
  });

  it('keeps going after a failing step and names it', async () => {
    const ran: string[] = [];
    const failed = await runShutdownSteps(
      {
        'close HTTP': () => {
          throw new Error('already closed');
        },
        'close broker connection': async () => {
          await Promise.reject(new Error('socket gone'));
        },
        'close store client': async () => ran.push('store'),
      },
      silent,
    );
    expect(failed).toEqual(['close HTTP', 'close broker connection']);
    expect(ran).toEqual(['store']);
  });
});
