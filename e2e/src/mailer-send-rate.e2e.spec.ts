// SMTP_RATE_PER_SECOND is one budget for the installation, whatever the replica count, and a
// throttling reply slows the mailer down without spending the message's attempts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDeadLetters, type Publisher } from '@herald/bus';
import { laneQueue } from '@herald/contracts';
import { eventually } from '@herald/testkit';
import { startMailers, type MailerRig } from './support/mailers.js';

const rate = 4;

let rig: MailerRig;
let api: Publisher<'user.registered' | 'comment.created'>;

beforeAll(async () => {
  rig = await startMailers({
    label: 'sendrate',
    replicas: 2,
    env: {
      SMTP_RATE_PER_SECOND: String(rate),
      // One attempt only: a failure that spent an attempt would be dead-lettered at once.
      RETRY_MAX_ATTEMPTS: '1',
      RETRY_DELAYS_MS: '200',
    },
  });
  api = await rig.producer.publisher('api', ['user.registered', 'comment.created']);
});

afterAll(() => rig.close());

beforeEach(() => rig.smtp.reset());

describe('mailer send rate', () => {
  it('sends at most SMTP_RATE_PER_SECOND across two replicas', async () => {
    const count = 20;
    const from = Date.now();
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        api.publish('comment.created', {
          workspaceId: 'w-1',
          taskId: 't-1',
          key: 'WS-1',
          title: 'Rate',
          commentId: `c-${i}`,
          body: `@m${i}`,
          author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
          mentions: [{ userId: `m-${i}`, email: `m${i}@rate.test`, name: 'M', handle: `m${i}` }],
        }),
      ),
    );
    await rig.smtp.waitFor(count, 60_000);

    const slots = await rig.db
      .collection<{ _id: string; second: number }>('send_slots')
      .find({})
      .toArray();
    const perSecond = new Map<number, number>();
    for (const slot of slots) perSecond.set(slot.second, (perSecond.get(slot.second) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(rate);
    expect(slots.length).toBeGreaterThanOrEqual(count);
    // 20 sends at 4 a second take five seconds' budgets: the first and last of them are at least
    // four seconds apart, so (the first one maybe begun late) at least three seconds passed.
    expect(perSecond.size).toBeGreaterThanOrEqual(count / rate);
    expect(Date.now() - from).toBeGreaterThanOrEqual((count / rate - 2) * 1_000);
  });

  it('backs off on a 454 without spending an attempt, then delivers', async () => {
    rig.smtp.refuse(454);
    const user = { userId: 'u-new', email: 'new@rate.test', name: 'New', handle: 'new' };
    const event = await api.publish('user.registered', user);

    await eventually('two throttled tries', () => rig.smtp.refusals.length >= 2, 30_000);
    rig.smtp.accept();
    await rig.smtp.waitFor(1, 60_000);
    expect(rig.smtp.messages.map((m) => m.to)).toEqual([[user.email]]);
    const dead = await listDeadLetters(
      rig.producer.connection.current!,
      laneQueue('mailer', 'critical', { namespace: rig.namespace }),
    );
    expect(dead.map((d) => d.messageId)).not.toContain(event.id);
  });
});
