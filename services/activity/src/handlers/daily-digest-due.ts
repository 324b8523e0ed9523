import type { Event } from '@herald/contracts';
import { compileDigests } from '../domain/digest.js';
import { digestEvents, digestWindow } from '../domain/digest-events.js';
import { dueKeys } from '../domain/digest-schedule.js';
import type { ActivityHandlerPorts } from '../domain/ports.js';

/** Users compiled at once: bounds what one batch holds in memory. */
const batchSize = 100;

/**
 * Each hourly slot: for the users whose chosen digest hour it is on their clocks, compiles the
 * last day and publishes one digest per user with something to read.
 */
export async function onDailyDigestDue(
  event: Event<'schedule.daily-digest.due'>,
  ports: ActivityHandlerPorts,
): Promise<void> {
  const slot = new Date(event.data.slot);
  const window = digestWindow(slot);
  const publish = async (userIds: readonly string[]) => {
    for (const digest of digestEvents(await compileDigests(userIds, window, ports), slot)) {
      await ports.publishDigest(digest.data, digest.id);
    }
  };
  for (const key of dueKeys(slot, await ports.schedules.zones())) {
    let batch: string[] = [];
    for await (const userId of ports.schedules.due(key)) {
      batch.push(userId);
      if (batch.length === batchSize) {
        await publish(batch);
        batch = [];
      }
    }
    await publish(batch);
  }
}
