import type { Event } from '@herald/contracts';
import { compileDigests } from '../domain/digest.js';
import { digestEvents, digestWindow } from '../domain/digest-events.js';
import type { ActivityHandlerPorts } from '../domain/ports.js';

/** Compiles the last day's digests and publishes one per member with something to read. */
export async function onDailyDigestDue(
  event: Event<'schedule.daily-digest.due'>,
  ports: ActivityHandlerPorts,
): Promise<void> {
  const slot = new Date(event.data.slot);
  const { since, until } = digestWindow(slot);
  for (const digest of digestEvents(await compileDigests(since, until, ports), slot)) {
    await ports.publishDigest(digest.data, digest.id);
  }
}
