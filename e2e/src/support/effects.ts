// What the consumers must have done for the events the API stored, and what they did: one key per
// side effect, so two sorted lists compare equal exactly when nothing is missing and nothing doubled.
import type { Db } from 'mongodb';
import { Exchange, catalog, parseEvent, services, type AnyEvent } from '@herald/contracts';
import type { ReceivedMail } from '@herald/testkit';

export interface Effects {
  /** `<recipient>|<kind>|<what>`, one per e-mail. */
  readonly mails: string[];
  /** `<event id>/<user id>/<kind>`, one per notification. */
  readonly notifications: string[];
  /** The event id of each feed entry. */
  readonly feed: string[];
}

/** Every event the API stored, from the outbox arrays of its documents: the ground truth. */
export async function storedEvents(api: Db): Promise<AnyEvent[]> {
  const events = new Map<string, AnyEvent>();
  for (const { name } of await api.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await api
      .collection<{ outbox?: unknown[] }>(name)
      .find({ outbox: { $exists: true } }, { projection: { outbox: 1 } })
      .toArray();
    for (const raw of docs.flatMap((d) => d.outbox ?? [])) {
      // Parsing drops what the relay stores beside the envelope (the write's trace context).
      const event = parseEvent(raw);
      events.set(event.id, event);
    }
  }
  return [...events.values()];
}

/** The feed shows what happens in workspaces: the activity service's account and schedule events make no entry. */
const feedTypes = new Set<string>(
  services.activity.consumes.filter((type) =>
    [Exchange.workspaces, Exchange.tasks].some((exchange) => catalog[type].exchange === exchange),
  ),
);

/**
 * The effects each event must have, by the consumers' own rules: e-mails to whoever an event names
 * (a task's key tells its assignment and its one comment apart), in-app notifications to the
 * people concerned but never to the one who acted, and one feed entry per workspace or task event
 * the activity service consumes.
 */
export function expectedEffects(events: readonly AnyEvent[]): Effects {
  const mails: string[] = [];
  const notifications: string[] = [];
  const notify = (event: AnyEvent, userId: string, kind: string) =>
    notifications.push(`${event.id}/${userId}/${kind}`);
  for (const event of events) {
    switch (event.type) {
      case 'user.registered':
        mails.push(`${event.data.email}|welcome`);
        notify(event, event.data.userId, 'welcome');
        break;
      case 'user.email-verification-requested':
        mails.push(`${event.data.user.email}|verify`);
        break;
      case 'user.registration-attempted':
        mails.push(`${event.data.user.email}|registration-attempted`);
        break;
      case 'user.password-reset-requested':
        mails.push(`${event.data.user.email}|reset`);
        break;
      case 'user.password-changed':
        mails.push(`${event.data.user.email}|password-changed`);
        break;
      case 'workspace.member-invited': {
        const { email, workspaceName, existingUserId, invitedBy } = event.data;
        mails.push(`${email}|invite|${workspaceName}`);
        if (existingUserId && existingUserId !== invitedBy.userId)
          notify(event, existingUserId, 'workspace-invite');
        break;
      }
      case 'task.assigned': {
        const { assignee, assignedBy, key } = event.data;
        mails.push(`${assignee.email}|assigned|${key}`);
        if (assignee.userId !== assignedBy.userId) notify(event, assignee.userId, 'task-assigned');
        break;
      }
      case 'comment.created': {
        const { mentions, author, key } = event.data;
        for (const mention of mentions) {
          mails.push(`${mention.email}|mention|${key}`);
          if (mention.userId !== author.userId) notify(event, mention.userId, 'mentioned');
        }
        break;
      }
      case 'workspace.created':
      case 'workspace.member-joined':
      case 'task.created':
      case 'task.status-changed':
        break; // a feed entry only
      case 'user.notification-preferences-changed':
        break; // changes what later events send, sends nothing itself
      case 'task.overdue':
      case 'digest.compiled':
      case 'schedule.overdue-reminders.due':
      case 'schedule.token-cleanup.due':
      case 'schedule.daily-digest.due':
      case 'system.heartbeat':
      case 'notification.created':
        throw new Error(`${event.type}: not a write's event; this accounting does not cover it`);
    }
  }
  return {
    mails: mails.map((m) => m.toLowerCase()).sort(),
    notifications: notifications.sort(),
    feed: events
      .filter((e) => feedTypes.has(e.type))
      .map((e) => e.id)
      .sort(),
  };
}

/** What an e-mail is about, read from its subject (the templates' wording). */
function mailSubject(subject: string): string {
  if (/^Welcome to Herald/.test(subject)) return 'welcome';
  if (/^Verify your e-mail address/.test(subject)) return 'verify';
  if (/^Someone tried to register/.test(subject)) return 'registration-attempted';
  if (/^Reset your Herald password/.test(subject)) return 'reset';
  if (/^Your Herald password was changed/.test(subject)) return 'password-changed';
  const invite = /invited you to (.+) on Herald$/.exec(subject);
  if (invite) return `invite|${invite[1]}`;
  const assigned = /^\[([^\]]+)\] .* was assigned to you$/.exec(subject);
  if (assigned) return `assigned|${assigned[1]}`;
  const mention = /mentioned you on ([^:]+):/.exec(subject);
  if (mention) return `mention|${mention[1]}`;
  return `unexpected|${subject}`;
}

/** What the consumers did: every e-mail that arrived, every notification, every feed entry. */
export async function foundEffects(
  stores: { readonly notifier: Db; readonly activity: Db },
  mails: readonly ReceivedMail[],
): Promise<Effects> {
  const notifications = await stores.notifier
    .collection<{ eventId: string; userId: string; kind: string }>('notifications')
    .find({}, { projection: { eventId: 1, userId: 1, kind: 1 } })
    .toArray();
  const feed = await stores.activity
    .collection<{ eventId: string }>('feed')
    .find({}, { projection: { eventId: 1 } })
    .toArray();
  return {
    mails: mails
      .flatMap((m) => m.to.map((to) => `${to}|${mailSubject(m.subject)}`.toLowerCase()))
      .sort(),
    notifications: notifications.map((n) => `${n.eventId}/${n.userId}/${n.kind}`).sort(),
    feed: feed.map((f) => f.eventId).sort(),
  };
}
