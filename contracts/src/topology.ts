import { catalog, type EventType } from './catalog.js';
import type { Exchange } from './exchanges.js';

/** How a consuming queue retries: wait `delaysMs[attempt-1]` (last one repeats), DLQ after `maxAttempts`. */
export interface RetryPolicy {
  readonly delaysMs: readonly number[];
  readonly maxAttempts: number;
}

/** The services that talk over the broker, with what they produce and consume. */
export const services = {
  api: {
    produces: [
      'user.registered',
      'user.email-verification-requested',
      'user.registration-attempted',
      'user.password-reset-requested',
      'user.password-changed',
      'workspace.created',
      'workspace.member-invited',
      'workspace.member-joined',
      'task.created',
      'task.status-changed',
      'task.assigned',
      'comment.created',
      'task.overdue',
      'user.notification-preferences-changed',
    ],
    consumes: ['schedule.overdue-reminders.due', 'schedule.token-cleanup.due', 'system.heartbeat'],
  },
  scheduler: {
    produces: [
      'schedule.overdue-reminders.due',
      'schedule.token-cleanup.due',
      'schedule.daily-digest.due',
      'system.heartbeat',
    ],
    consumes: [],
  },
  mailer: {
    produces: [],
    consumes: [
      'user.registered',
      'user.email-verification-requested',
      'user.registration-attempted',
      'user.password-reset-requested',
      'user.password-changed',
      'user.notification-preferences-changed',
      'workspace.member-invited',
      'task.assigned',
      'comment.created',
      'task.overdue',
      'digest.compiled',
      'system.heartbeat',
    ],
  },
  notifier: {
    produces: ['notification.created'],
    consumes: [
      'user.registered',
      'user.notification-preferences-changed',
      'workspace.created',
      'workspace.member-invited',
      'workspace.member-joined',
      'task.assigned',
      'comment.created',
      'task.overdue',
      'system.heartbeat',
    ],
  },
  activity: {
    produces: ['digest.compiled'],
    consumes: [
      'user.registered',
      'user.notification-preferences-changed',
      'workspace.created',
      'workspace.member-invited',
      'workspace.member-joined',
      'task.created',
      'task.status-changed',
      'task.assigned',
      'comment.created',
      'schedule.daily-digest.due',
      'system.heartbeat',
    ],
  },
} as const satisfies Record<
  string,
  { readonly produces: readonly EventType[]; readonly consumes: readonly EventType[] }
>;

export type ServiceName = keyof typeof services;
export type ProducedBy<S extends ServiceName> = (typeof services)[S]['produces'][number];
export type ConsumedBy<S extends ServiceName> = (typeof services)[S]['consumes'][number];

/**
 * Events every replica of a service receives, each replica on a queue of its own: a live fan-out
 * (the notifier's streams), not shared work. The service's store stays the truth, so these queues
 * are exclusive, auto-delete and bounded, consumed without acks, retries or a DLQ.
 */
export const liveEvents = {
  notifier: ['notification.created'],
} as const satisfies Partial<Record<ServiceName, readonly EventType[]>>;

export type LiveService = keyof typeof liveEvents;
export type LiveEventOf<S extends LiveService> = (typeof liveEvents)[S][number];

/** One replica's live queue, as plain data. */
export interface LiveQueueTopology<T extends EventType = EventType> {
  /**
   * `<service>.live.<replica>`. Each subscription declares `<queue>.<n>`, a name never used before,
   * so a re-subscription never waits for the broker to drop the previous exclusive queue.
   */
  readonly queue: string;
  readonly bindings: readonly { readonly exchange: string; readonly routingKey: T }[];
  /** Beyond this many waiting messages the oldest are dropped; the replica catches up from its store. */
  readonly maxLength: number;
}

export function liveQueue<S extends LiveService>(
  service: S,
  replica: string,
  options: { readonly namespace?: string } = {},
): LiveQueueTopology<LiveEventOf<S>> {
  const namespace = options.namespace ?? '';
  const receives: readonly LiveEventOf<S>[] = liveEvents[service];
  return {
    queue: `${namespace}${service}.live.${replica}`,
    bindings: receives.map((type) => ({
      exchange: exchangeName(catalog[type].exchange, namespace),
      routingKey: type,
    })),
    maxLength: 10_000,
  };
}

/** Production retry: exponential, x5 from 1 s (1 s, 5 s, 25 s, ~2 min, ~10 min), then the DLQ. */
export const defaultRetry: RetryPolicy = {
  delaysMs: [1_000, 5_000, 25_000, 125_000, 625_000],
  maxAttempts: 6,
};

/**
 * Critical mail (an account can't be used without it): first retry after 0.5 s, then often, for
 * about an hour and a half (11 waits, ~96 min), so a short SMTP outage delays it by seconds.
 */
export const criticalRetry: RetryPolicy = {
  delaysMs: [500, 2_000, 10_000, 60_000, 300_000, 900_000],
  maxAttempts: 12,
};

/** Digests: worth little once late (tomorrow's replaces it), so three tries within a few minutes. */
export const digestRetry: RetryPolicy = {
  delaysMs: [30_000, 300_000],
  maxAttempts: 3,
};

/**
 * Queues of a service beyond its main one. A lane takes some of the service's events off the main
 * queue onto `<service>.<lane>`, with a consumer, prefetch and retry policy of its own, so a backlog
 * in one lane never waits in front of another (RabbitMQ's quorum queues have no priorities).
 */
export const lanes = {
  mailer: {
    critical: {
      consumes: [
        'user.registered',
        'user.email-verification-requested',
        'user.registration-attempted',
        'user.password-reset-requested',
        'user.password-changed',
        'workspace.member-invited',
      ],
      retry: criticalRetry,
      prefetch: 10,
    },
    digest: { consumes: ['digest.compiled'], retry: digestRetry, prefetch: 5 },
  },
} as const satisfies { readonly [S in ServiceName]?: Record<string, LaneSpec<ConsumedBy<S>>> };

export interface LaneSpec<T extends EventType = EventType> {
  readonly consumes: readonly T[];
  readonly retry: RetryPolicy;
  /** Deliveries a replica works on at once from this lane. */
  readonly prefetch: number;
}

/** The lanes table seen without its literal types, for lookups by name. */
const laneTable: { readonly [service: string]: { readonly [lane: string]: LaneSpec } } = lanes;

export type LanedService = keyof typeof lanes;
export type LaneOf<S extends LanedService> = keyof (typeof lanes)[S] & string;

/** Everything a consumer declares for one queue, as plain data. */
export interface QueueTopology<T extends EventType = EventType> {
  readonly queue: string;
  /** Direct exchange owned by the queue: wait queues and the DLQ hang off it, and it routes back. */
  readonly retryExchange: string;
  readonly waitQueues: readonly { readonly name: string; readonly delayMs: number }[];
  readonly deadLetterQueue: string;
  /** The routing key is the event type, so the type parameter says what the queue can receive. */
  readonly bindings: readonly { readonly exchange: string; readonly routingKey: T }[];
  readonly retry: RetryPolicy;
  /** Broker-side safety net: a message that crashes the process repeatedly is dead-lettered. */
  readonly deliveryLimit: number;
}

/** Routing keys on a queue's retry exchange. */
export const RetryRoute = {
  /** Back into the main queue (wait-queue expiry, DLQ replay). */
  requeue: 'requeue',
  dead: 'dead',
  wait: (delayMs: number) => `wait.${delayMs}`,
} as const;

/**
 * A namespace prefixes every exchange and queue name. Production uses none; each test run uses a
 * random one so runs never collide on a shared broker.
 */
export function exchangeName(exchange: Exchange, namespace = ''): string {
  return `${namespace}${exchange}`;
}

export function queueTopology<T extends EventType>(options: {
  readonly queue: string;
  readonly consumes: readonly T[];
  readonly namespace?: string;
  readonly retry?: RetryPolicy;
  readonly deliveryLimit?: number;
}): QueueTopology<T> {
  const namespace = options.namespace ?? '';
  const queue = `${namespace}${options.queue}`;
  const retry = options.retry ?? defaultRetry;
  return {
    queue,
    retryExchange: `${queue}.retry`,
    waitQueues: [...new Set(retry.delaysMs)].map((delayMs) => ({
      name: `${queue}.wait.${delayMs}ms`,
      delayMs,
    })),
    deadLetterQueue: `${queue}.dlq`,
    bindings: options.consumes.map((type) => ({
      exchange: exchangeName(catalog[type].exchange, namespace),
      routingKey: type,
    })),
    retry,
    deliveryLimit: options.deliveryLimit ?? 20,
  };
}

/** The events of `service` that a lane takes off its main queue. */
function laneEvents(service: ServiceName): ReadonlySet<EventType> {
  return new Set(Object.values(laneTable[service] ?? {}).flatMap((lane) => lane.consumes));
}

/** The main queue of a service, named after it: every event it consumes that no lane takes. */
export function serviceQueue<S extends ServiceName>(
  service: S,
  options: { readonly namespace?: string; readonly retry?: RetryPolicy } = {},
): QueueTopology<ConsumedBy<S>> {
  const laned = laneEvents(service);
  const all: readonly ConsumedBy<S>[] = services[service].consumes;
  const consumes = all.filter((type) => !laned.has(type));
  return queueTopology({ queue: service, consumes, ...options });
}

/** A lane's queue, `<service>.<lane>`, retried by the lane's own policy unless `retry` overrides it. */
export function laneQueue<S extends LanedService>(
  service: S,
  lane: LaneOf<S>,
  options: { readonly namespace?: string; readonly retry?: RetryPolicy } = {},
): QueueTopology<ConsumedBy<S>> {
  const spec = laneSpec(service, lane);
  const consumed: readonly EventType[] = services[service].consumes;
  return queueTopology({
    queue: `${service}.${lane}`,
    consumes: spec.consumes.filter((type): type is ConsumedBy<S> => consumed.includes(type)),
    namespace: options.namespace,
    retry: options.retry ?? spec.retry,
  });
}

export function laneSpec<S extends LanedService>(service: S, lane: LaneOf<S>): LaneSpec {
  const spec = laneTable[service]?.[lane];
  if (!spec) throw new Error(`${service} has no lane "${lane}"`);
  return spec;
}

/** Every queue of one service: its main queue first, then its lanes. */
export function serviceQueues(
  service: ServiceName,
  options: { readonly namespace?: string } = {},
): QueueTopology[] {
  if (services[service].consumes.length === 0) return [];
  const main: QueueTopology = serviceQueue(service, options);
  // laneSpec checks each name at run time; the casts only widen the literal lane names to strings.
  const own = Object.keys(laneTable[service] ?? {}) as LaneOf<LanedService>[];
  return [main, ...own.map((lane) => laneQueue(service as LanedService, lane, options))];
}

/** Every consuming queue in the contract, by service, main queues before lanes. */
export function consumerQueueTopologies(options: { readonly namespace?: string } = {}) {
  return (Object.keys(services) as ServiceName[]).flatMap((service) =>
    serviceQueues(service, options).map((topology) => ({ service, topology })),
  );
}

/** Every consuming queue by its name without the namespace (`mailer.critical`), as operators name it. */
export function consumerQueuesByName(namespace = ''): Map<string, QueueTopology> {
  return new Map(
    consumerQueueTopologies({ namespace }).map(({ topology }) => [
      topology.queue.slice(namespace.length),
      topology,
    ]),
  );
}
