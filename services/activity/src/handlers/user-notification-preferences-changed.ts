import type { Event } from '@herald/contracts';
import type { ActivityPorts } from '../domain/ports.js';

/** The hour and time zone the user chose for their digest; the highest version wins. */
export async function onUserNotificationPreferencesChanged(
  event: Event<'user.notification-preferences-changed'>,
  ports: Pick<ActivityPorts, 'schedules'>,
): Promise<void> {
  const { userId, preferences, version } = event.data;
  await ports.schedules.record(userId, preferences.digestAt, version);
}
