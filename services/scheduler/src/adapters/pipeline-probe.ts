import { z } from 'zod';
import { judge, type ConsumerHealth } from '../domain/pipeline.js';

const HeartbeatAnswer = z.object({ lastSlot: z.string().nullable() });

/** Asks each consumer's `/heartbeat` and judges the answers; an unreachable one is reported, not thrown. */
export async function probePipeline(
  targets: Readonly<Record<string, string>>,
  now: Date,
): Promise<ConsumerHealth[]> {
  return Promise.all(
    Object.entries(targets).map(async ([service, url]) => {
      try {
        const response = await fetch(new URL('/heartbeat', url), {
          signal: AbortSignal.timeout(2_000),
        });
        const { lastSlot } = HeartbeatAnswer.parse(await response.json());
        return judge(service, lastSlot, now);
      } catch {
        return { service, status: 'unreachable', lastSlot: null, lagSeconds: null } as const;
      }
    }),
  );
}
