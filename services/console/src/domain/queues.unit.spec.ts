import { describe, expect, it } from 'vitest';
import type { QueueStats } from './ports.js';
import { consumerQueues, consumerQueueNames } from './queues.js';

const queue = (name: string, ready = 0): QueueStats => ({
  name,
  ready,
  unacked: 0,
  consumers: 0,
  publishRate: 0,
  deliverRate: 0,
});

describe('consumer queues', () => {
  it('lists every consuming queue, lanes included, from the contracts', () => {
    expect([...consumerQueueNames].sort()).toEqual([
      'activity',
      'api',
      'mailer',
      'mailer.critical',
      'mailer.digest',
      'notifier',
    ]);
  });

  it("sorts a namespace's queues into main, wait queues (shortest first) and DLQ per service", () => {
    const grouped = consumerQueues(
      [
        queue('ns.mailer', 3),
        queue('ns.mailer.wait.25000ms'),
        queue('ns.mailer.wait.1000ms'),
        queue('ns.mailer.dlq', 2),
        queue('ns.mailer.critical', 1),
        queue('ns.mailer.critical.wait.500ms'),
        queue('other.mailer', 99),
        queue('ns.mailerx'),
      ],
      'ns.',
    );
    const mailer = grouped.find((g) => g.queue === 'mailer')!;
    expect(mailer.main?.ready).toBe(3);
    expect(mailer.waits.map((w) => w.name)).toEqual([
      'ns.mailer.wait.1000ms',
      'ns.mailer.wait.25000ms',
    ]);
    expect(mailer.dlq?.ready).toBe(2);
    const critical = grouped.find((g) => g.queue === 'mailer.critical')!;
    expect(critical.main?.ready).toBe(1);
    expect(critical.waits.map((w) => w.name)).toEqual(['ns.mailer.critical.wait.500ms']);
    expect(grouped.find((g) => g.queue === 'notifier')).toEqual({
      queue: 'notifier',
      main: undefined,
      waits: [],
      dlq: undefined,
    });
  });
});
