// Critical mail has a lane of its own: a backlog of bulk mail never stands in front of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '@herald/bus';
import { aDigest } from '@herald/testkit';
import { startMailers, type MailerRig } from './support/mailers.js';

const backlog = 1_000;

let rig: MailerRig;
let api: Publisher<'user.registered' | 'comment.created'>;
let activity: Publisher<'digest.compiled'>;

beforeAll(async () => {
  rig = await startMailers({ label: 'lanes' });
  api = await rig.producer.publisher('api', ['user.registered', 'comment.created']);
  activity = await rig.producer.publisher('activity', ['digest.compiled']);
});

afterAll(() => rig.close());

const isDigest = (to: readonly string[]) => to.some((address) => address.endsWith('@digest.test'));

describe('mailer lanes', () => {
  it(
    'sends a welcome while a backlog of digests and mentions waits, not after it',
    { timeout: 240_000 },
    async () => {
      const publishes: Promise<unknown>[] = [];
      for (let i = 0; i < backlog; i++) {
        publishes.push(activity.publish('digest.compiled', aDigest(i)));
        if (i % 10 === 0) {
          publishes.push(
            api.publish('comment.created', {
              workspaceId: 'w-1',
              taskId: 't-1',
              key: 'WS-1',
              title: 'Backlog',
              commentId: `c-${i}`,
              body: `@m${i}`,
              author: { userId: 'u-ada', name: 'Ada', handle: 'ada' },
              mentions: [
                { userId: `m-${i}`, email: `m${i}@mention.test`, name: 'M', handle: `m${i}` },
              ],
            }),
          );
        }
      }
      await Promise.all(publishes);
      await rig.smtp.waitFor((all) => all.some((m) => isDigest(m.to)), 60_000);

      await api.publish('user.registered', {
        userId: 'u-new',
        email: 'new@critical.test',
        name: 'New',
        handle: 'new',
      });
      const mails = await rig.smtp.waitFor((all) =>
        all.some((m) => m.to.includes('new@critical.test')),
      );
      const welcomeAt = mails.findIndex((m) => m.to.includes('new@critical.test'));
      const digestsBefore = mails.slice(0, welcomeAt).filter((m) => isDigest(m.to)).length;
      // One FIFO queue would have sent all of them first.
      expect(digestsBefore).toBeLessThan(backlog * 0.9);

      const all = await rig.smtp.waitFor(
        (sent) => sent.filter((m) => isDigest(m.to)).length === backlog,
        180_000,
      );
      expect(all.filter((m) => m.to.includes('new@critical.test'))).toHaveLength(1);
    },
  );
});
