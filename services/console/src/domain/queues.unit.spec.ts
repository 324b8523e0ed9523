import { describe, expect, it } from 'vitest';
import type { QueueStats } from './ports.js';
import { consumerQueues, consumerServices } from './queues.js';

const queue = (name: string, ready = 0): QueueStats => ({
  name,
  ready,
  unacked: 0,
  consumers: 0,
  publishRate: 0,
  deliverRate: 0,
});

describe('consumer queues', () => {
  it('lists every service that consumes, from the contracts', () => {
    expect([...consumerServices].sort()).toEqual(['activity', 'api', 'mailer', 'notifier']);
  });

  it("sorts a namespace's queues into main, wait queues (shortest first) and DLQ per service", () => {
    const grouped = consumerQueues(
      [
        queue('ns.mailer', 3),
        queue('ns.mailer.wait.25000ms'),
        queue('ns.mailer.wait.1000ms'),
        queue('ns.mailer.dlq', 2),
        queue('other.mailer', 99),
        queue('ns.mailerx'),
      ],
      'ns.',
    );
    const mailer = grouped.find((g) => g.service === 'mailer')!;
    expect(mailer.main?.ready).toBe(3);
    expect(mailer.waits.map((w) => w.name)).toEqual([
      'ns.mailer.wait.1000ms',
      'ns.mailer.wait.25000ms',
    ]);
    expect(mailer.dlq?.ready).toBe(2);
    expect(grouped.find((g) => g.service === 'notifier')).toEqual({
      service: 'notifier',
      main: undefined,
      waits: [],
      dlq: undefined,
    });
  });
});
