import type { Event } from '@herald/contracts';
import type { ActivityPorts } from '../domain/ports.js';

/** Every user has a digest schedule from the start: the default until their preferences say. */
export async function onUserRegistered(
  event: Event<'user.registered'>,
  ports: Pick<ActivityPorts, 'schedules'>,
): Promise<void> {
  await ports.schedules.ensure(event.data.userId);
}
