import { describe, expect, it } from 'vitest';
import { defaultNotificationPreferences, type PreferenceKind } from '@herald/contracts';
import type { Notification, NotificationKind } from './notification.js';
import { wanted } from './preferences.js';

const notification = (kind: NotificationKind): Notification => ({
  id: `e1:u1`,
  userId: 'u1',
  kind,
  title: 't',
  body: 'b',
  eventId: 'e1',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  readAt: null,
});

const inAppOff = (kind: PreferenceKind) => ({
  ...defaultNotificationPreferences,
  inApp: { ...defaultNotificationPreferences.inApp, [kind]: false },
});

const allOff = {
  ...defaultNotificationPreferences,
  email: { mentioned: false, assigned: false, overdue: false, digest: false },
  inApp: { mentioned: false, assigned: false, overdue: false, digest: false },
};

describe('wanted', () => {
  it.each([
    ['mentioned', 'mentioned'],
    ['task-assigned', 'assigned'],
    ['task-overdue', 'overdue'],
  ] as const)('drops a %s notification when inApp.%s is off, and only then', (kind, pref) => {
    expect(wanted(notification(kind), defaultNotificationPreferences)).toBe(true);
    expect(wanted(notification(kind), inAppOff(pref))).toBe(false);
    // The e-mail preference of the same kind does not touch the inbox.
    const emailOff = {
      ...defaultNotificationPreferences,
      email: { ...defaultNotificationPreferences.email, [pref]: false },
    };
    expect(wanted(notification(kind), emailOff)).toBe(true);
  });

  it('keeps welcome and workspace-invite notifications whatever is turned off', () => {
    expect(wanted(notification('welcome'), allOff)).toBe(true);
    expect(wanted(notification('workspace-invite'), allOff)).toBe(true);
  });
});
