import type { ConsumedBy, Event } from '@herald/contracts';

/** The events that become feed entries. */
export type ActivityEventType = ConsumedBy<'activity'>;

/** Who did it, as the feed shows it. */
export interface FeedActor {
  readonly userId: string;
  readonly name: string;
}

/** The task an entry is about, so a client can link to it without asking the API. */
export interface TaskSubject {
  readonly taskId: string;
  readonly key: string;
  readonly title: string;
}

/** One line of a workspace's activity feed: one per event, however many people it concerns. */
export interface FeedEntry {
  /** The event's id, also the entry's identity: a redelivered event maps to the same entry. */
  readonly eventId: string;
  readonly workspaceId: string;
  readonly type: ActivityEventType;
  readonly actor: FeedActor;
  /** Plain text, one line; clients escape it for whatever they render into. */
  readonly summary: string;
  readonly subject?: TaskSubject;
  /** When it happened: the event's time, not when it reached this service. */
  readonly at: Date;
}

/** The feed entry for `event`; copies only the fields the feed shows. */
export function feedEntry(
  event: Event<ActivityEventType>,
  fields: {
    readonly workspaceId: string;
    readonly actor: FeedActor;
    readonly summary: string;
    readonly subject?: TaskSubject;
  },
): FeedEntry {
  const { workspaceId, actor, summary, subject } = fields;
  return {
    eventId: event.id,
    workspaceId,
    type: event.type,
    actor: { userId: actor.userId, name: actor.name },
    summary,
    ...(subject && { subject: taskSubject(subject) }),
    at: new Date(event.time),
  };
}

export function taskSubject(task: TaskSubject): TaskSubject {
  return { taskId: task.taskId, key: task.key, title: task.title };
}
