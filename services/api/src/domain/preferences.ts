import {
  createEvent,
  defaultNotificationPreferences,
  type NotificationPreferences,
  type PreferenceKind,
} from '@herald/contracts';
import type { PendingEvent } from '@herald/store';
import { AppError } from '@herald/errors';
import type { ApiPorts } from './ports.js';

/** What a PUT may carry: any subset of the whole shape. */
export interface PreferencesPatch {
  readonly email?: Partial<NotificationPreferences['email']>;
  readonly inApp?: Partial<NotificationPreferences['inApp']>;
  /** Replaces the digest's hour and time zone as a whole. */
  readonly digestAt?: NotificationPreferences['digestAt'];
}

/** A user's stored preferences; version 0 (the defaults) while none is stored. */
export interface StoredPreferences {
  readonly preferences: NotificationPreferences;
  readonly version: number;
}

export function mergePreferences(
  current: NotificationPreferences,
  patch: PreferencesPatch,
): NotificationPreferences {
  return {
    email: { ...current.email, ...patch.email },
    inApp: { ...current.inApp, ...patch.inApp },
    digestAt: patch.digestAt ?? current.digestAt,
  };
}

function samePreferences(a: NotificationPreferences, b: NotificationPreferences): boolean {
  return (
    (['email', 'inApp'] as const).every((channel) =>
      (Object.keys(a[channel]) as PreferenceKind[]).every(
        (kind) => a[channel][kind] === b[channel][kind],
      ),
    ) &&
    a.digestAt.hour === b.digestAt.hour &&
    a.digestAt.timeZone === b.digestAt.timeZone
  );
}

export async function readPreferences(
  userId: string,
  ports: Pick<ApiPorts, 'preferences'>,
): Promise<StoredPreferences> {
  return (
    (await ports.preferences.get(userId)) ?? {
      preferences: defaultNotificationPreferences,
      version: 0,
    }
  );
}

/** Conflicting writers of one user's preferences at once; beyond this the request fails (409). */
const maxAttempts = 5;

/**
 * Applies a patch and stores the result with its event in one write. The store would lose one of
 * two concurrent updates of one document, so each write claims the next version (compare-and-set:
 * see the adapter) and a lost race reads again and retries: every change gets its own version, and
 * versions never repeat. A patch that changes nothing stores and publishes
 * nothing, which makes repeating it (a second one-click unsubscribe) a no-op.
 */
export async function changePreferences(
  userId: string,
  patch: PreferencesPatch,
  ports: Pick<ApiPorts, 'preferences' | 'now'>,
): Promise<NotificationPreferences> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await readPreferences(userId, ports);
    const next = mergePreferences(current.preferences, patch);
    if (samePreferences(current.preferences, next)) return next;
    const version = current.version + 1;
    const event: PendingEvent = createEvent(
      'user.notification-preferences-changed',
      { userId, preferences: next, version },
      'api',
      { time: ports.now() },
    );
    if (await ports.preferences.save(userId, { preferences: next, version }, [event])) return next;
  }
  throw new AppError('conflict', 'the preferences changed concurrently too often; try again');
}
