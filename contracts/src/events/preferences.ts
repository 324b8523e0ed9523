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

/** One user's whole preferences: every kind on every channel. */
export const NotificationPreferences = z.object({
  email: ChannelPreferences,
  inApp: ChannelPreferences,
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

/** Everything is on until the user turns it off. */
export const defaultNotificationPreferences: NotificationPreferences = {
  email: { mentioned: true, assigned: true, overdue: true, digest: true },
  inApp: { mentioned: true, assigned: true, overdue: true, digest: true },
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
