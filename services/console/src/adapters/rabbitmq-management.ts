import { z } from 'zod';
import { UpstreamError } from '../domain/errors.js';
import type { QueueSource, QueueStats } from '../domain/ports.js';
import { getJson, withoutCredentials } from './http-json.js';

const Rate = z.object({ rate: z.number() }).optional();
const QueueInfo = z.object({
  name: z.string(),
  // Missing for a moment after a queue is declared, until the broker's first stats sample.
  messages_ready: z.number().default(0),
  messages_unacknowledged: z.number().default(0),
  consumers: z.number().default(0),
  message_stats: z.object({ publish_details: Rate, deliver_get_details: Rate }).optional(),
});

const columns = [
  'name',
  'messages_ready',
  'messages_unacknowledged',
  'consumers',
  'message_stats.publish_details.rate',
  'message_stats.deliver_get_details.rate',
].join(',');

/** The queues of one vhost, from the RabbitMQ management API (the console user needs its `management` tag). */
export function createManagementApi(options: {
  readonly url: string;
  readonly vhost: string;
}): QueueSource {
  const { base, headers } = withoutCredentials(options.url);
  return {
    async queues(): Promise<QueueStats[]> {
      const url = new URL(`/api/queues/${encodeURIComponent(options.vhost)}`, base);
      url.searchParams.set('columns', columns);
      const queues = await getJson('RabbitMQ management API', url, z.array(QueueInfo), { headers });
      if (!queues) throw new UpstreamError(`RabbitMQ has no vhost "${options.vhost}"`);
      return queues.map((q) => ({
        name: q.name,
        ready: q.messages_ready,
        unacked: q.messages_unacknowledged,
        consumers: q.consumers,
        publishRate: q.message_stats?.publish_details?.rate ?? 0,
        deliverRate: q.message_stats?.deliver_get_details?.rate ?? 0,
      }));
    },
  };
}
