import type { FailureKind } from './headers.js';

/** What happened to one delivery; tests and metrics await these instead of sleeping. */
export type Outcome =
  | {
      readonly status: 'acked';
      readonly eventId: string;
      readonly type: string;
      readonly attempt: number;
      readonly durationMs: number;
    }
  | (Settled & {
      /** Moved to a wait queue as the next attempt. */
      readonly status: 'retried';
      readonly delayMs: number;
    })
  | (Settled & {
      readonly status: 'dead-lettered';
      readonly kind: FailureKind;
    })
  | (Settled & {
      /** Comes back after `delayMs` as the same attempt (the handler threw `Deferred`). */
      readonly status: 'deferred';
      readonly delayMs: number;
    })
  | (Settled & {
      /**
       * Nacked back to the queue as the same attempt: the consumer paused for an outage, or the
       * broker refused the move to a wait queue or the DLQ.
       */
      readonly status: 'requeued';
      readonly cause: 'outage' | 'move-refused';
    });

/** The fields every outcome but a plain ack has. */
interface Settled {
  /** Undefined for a message that is no event at all. */
  readonly eventId: string | undefined;
  readonly type: string | undefined;
  readonly attempt: number;
  readonly error: string;
  readonly durationMs: number;
}

/** Changes of a consumer's subscription, for metrics and logs. */
export type LifecycleEvent =
  /** The broker cancelled the subscription (queue deleted, ...); the consumer re-subscribes. */
  | { readonly type: 'cancelled'; readonly queue: string }
  /** A handler hit an outage: no new messages until the dependency answers. */
  | { readonly type: 'paused'; readonly queue: string; readonly reason: string }
  | { readonly type: 'resumed'; readonly queue: string; readonly pausedMs: number };
