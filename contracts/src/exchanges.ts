/** Durable topic exchanges, one per producing domain. The routing key is always the event type. */
export const Exchange = {
  identity: 'identity',
  workspaces: 'workspaces',
  tasks: 'tasks',
  schedule: 'schedule',
  digests: 'digests',
  system: 'system',
  /** The notifier's live fan-out to its own replicas (not a work queue: see `liveQueue`). */
  notifications: 'notifications',
} as const;
export type Exchange = (typeof Exchange)[keyof typeof Exchange];
