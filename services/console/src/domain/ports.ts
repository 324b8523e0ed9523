import type { DeadLetter, Selector } from '@herald/bus';

/** One queue as the RabbitMQ management API reports it. */
export interface QueueStats {
  readonly name: string;
  readonly ready: number;
  readonly unacked: number;
  readonly consumers: number;
  /** Messages per second, averaged by the broker over its sample window. */
  readonly publishRate: number;
  readonly deliverRate: number;
}

export interface QueueSource {
  queues(): Promise<QueueStats[]>;
}

export interface ServiceReadiness {
  readonly service: string;
  readonly url: string;
  /** `unreachable` when the service did not answer at all. */
  readonly status: 'ready' | 'not-ready' | 'unreachable';
  /** The checks that failed, by the service's own names. */
  readonly failing: readonly string[];
}

export interface OutboxState {
  readonly service: string;
  readonly url: string;
  readonly backlog: number;
  readonly oldestAgeSeconds: number;
}

export interface ServiceProbe {
  readiness(): Promise<ServiceReadiness[]>;
  /** The outbox gauges of every service that exposes them. */
  outboxes(): Promise<OutboxState[]>;
}

/** A consuming service's DLQ, operated through the bus's DLQ code. */
export interface DeadLetterStore {
  /** Messages in the DLQ right now, as the broker hands them out (not sampled statistics). */
  depth(service: string): Promise<number>;
  list(service: string, limit: number): Promise<DeadLetter[]>;
  replay(service: string, selector: Selector): Promise<number>;
  /** Replays the oldest dead letter only; 0 when the DLQ is empty. */
  replayOldest(service: string): Promise<number>;
  purge(service: string, selector: Selector): Promise<number>;
}

export interface ScheduleView {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly misfire: string;
  readonly nextFireAt: string | null;
}

export interface SlotView {
  readonly slot: string;
  readonly fencingToken: number;
  readonly claimedAt: string;
  readonly published: boolean;
  readonly publishedAt: string | null;
}

export interface LeadershipView {
  readonly lease: {
    readonly holder: string;
    readonly fencingToken: number;
    readonly since: string | null;
    readonly expiresAt: string;
    readonly live: boolean;
  } | null;
  readonly changes: readonly {
    readonly holder: string;
    readonly fencingToken: number;
    readonly since: string;
  }[];
}

export interface ConsumerHealthView {
  readonly service: string;
  readonly status: string;
  readonly lastSlot: string | null;
  readonly lagSeconds: number | null;
}

/** The scheduler's HTTP API. */
export interface SchedulerSource {
  schedules(): Promise<ScheduleView[]>;
  slots(schedule: string, limit: number): Promise<SlotView[]>;
  leadership(limit: number): Promise<LeadershipView>;
  pipeline(): Promise<ConsumerHealthView[]>;
}

/** A trace as Jaeger's query API returns it (times in microseconds). */
export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly {
    readonly spanID: string;
    readonly operationName: string;
    readonly processID: string;
    readonly startTime: number;
    readonly duration: number;
    readonly references: readonly { readonly refType: string; readonly spanID: string }[];
  }[];
  readonly processes: Readonly<Record<string, { readonly serviceName: string }>>;
}

export interface TraceSource {
  /** undefined when Jaeger does not know the trace. */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
}
