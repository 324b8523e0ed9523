import { z } from 'zod';
import { Id } from './common.js';

/** The kinds of notification a person can turn off, per channel. Transactional mail is not one. */
export const PreferenceKind = z.enum(['mentioned', 'assigned', 'overdue', 'digest']);
export type PreferenceKind = z.infer<typeof PreferenceKind>;

/** The channels a preference applies to. */
export const PreferenceChannel = z.enum(['email', 'inApp']);
export type PreferenceChannel = z.infer<typeof PreferenceChannel>;

export const ChannelPreferences = z.object({
  mentioned: z.boolean(),
  assigned: z.boolean(),
  overdue: z.boolean(),
  digest: z.boolean(),
});
export type ChannelPreferences = z.infer<typeof ChannelPreferences>;

/** An IANA time zone name the runtime knows (`Europe/Berlin`, `UTC`). */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'unknown IANA time zone');

/** When a user's daily digest goes out: an hour of the day in their time zone. */
export const DigestAt = z.object({
  hour: z.number().int().min(0).max(23),
  timeZone: TimeZone,
});
export type DigestAt = z.infer<typeof DigestAt>;

export const defaultDigestAt: DigestAt = { hour: 7, timeZone: 'UTC' };

/** One user's whole preferences: every kind on every channel, and the hour of their digest. */
export const NotificationPreferences = z.object({
  email: ChannelPreferences,
  inApp: ChannelPreferences,
  /** Absent from preferences stored before it existed: those read as the default. */
  digestAt: DigestAt.default(defaultDigestAt),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

/** Everything is on until the user turns it off; the digest comes at 07:00 UTC. */
export const defaultNotificationPreferences: NotificationPreferences = {
  email: { mentioned: true, assigned: true, overdue: true, digest: true },
  inApp: { mentioned: true, assigned: true, overdue: true, digest: true },
  digestAt: defaultDigestAt,
};

export const UserNotificationPreferencesChanged = z.object({
  userId: Id,
  /** The whole result, not the change: a consumer replaces its copy. */
  preferences: NotificationPreferences,
  /**
   * 1, 2, 3… per user, one per change: messages may arrive out of order (retries, replicas), so a
   * consumer keeps the copy with the highest version.
   */
  version: z.number().int().positive(),
});
export type UserNotificationPreferencesChanged = z.infer<typeof UserNotificationPreferencesChanged>;
