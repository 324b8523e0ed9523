import type { RetryPolicy } from '@herald/contracts';
import { Deferred, PermanentFailure, errorMessage } from './errors.js';
import type { FailureKind } from './headers.js';

/** What went wrong with one delivery, as data. */
export type Failure =
  /** Not an event of the contract (bad JSON, wrong schema, unknown version, too large). */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** A valid event of a type this consumer has no handler for. */
  | { readonly kind: 'unhandled'; readonly reason: string }
  /** The handler threw `PermanentFailure`: retrying cannot help. */
  | { readonly kind: 'permanent'; readonly reason: string }
  /** The handler threw anything else: worth another attempt later. */
  | { readonly kind: 'transient'; readonly reason: string }
  /** The handler threw `Deferred`: come back after `delayMs`, the attempt does not count. */
  | { readonly kind: 'deferred'; readonly reason: string; readonly delayMs: number }
  /** The handler failed because a dependency is down (the consumer's outage policy says so). */
  | { readonly kind: 'outage'; readonly reason: string }
  /** The broker refused to take the message to a wait queue or the DLQ, `refusedInARow` times now. */
  | { readonly kind: 'move-refused'; readonly reason: string; readonly refusedInARow: number };

/** The delivery facts a decision depends on. */
export interface RoutingFacts {
  /** 1 on first delivery (the `x-herald-attempt` header). */
  readonly attempt: number;
  readonly retry: RetryPolicy;
  /** TTLs of the queue's wait queues, the only delays a republish can have. */
  readonly waitDelaysMs: readonly number[];
}

/** What the consumer does with the message. */
export type Decision =
  /** Republish to the DLQ with `kind`, then ack. */
  | { readonly action: 'dead-letter'; readonly kind: FailureKind }
  /** Republish to the `delayMs` wait queue as attempt `nextAttempt`, then ack. */
  | { readonly action: 'retry'; readonly delayMs: number; readonly nextAttempt: number }
  /** Republish to the `delayMs` wait queue with the same attempt, then ack. */
  | { readonly action: 'defer'; readonly delayMs: number }
  /** Stop taking messages until the dependency answers; this one goes back to the queue. */
  | { readonly action: 'pause' }
  /** Hold the message `afterMs`, then nack it back to the queue (the attempt does not change). */
  | { readonly action: 'requeue'; readonly afterMs: number };

/** A refused move is tried again after 1 s, 2 s, 4 s, ... up to this. */
export const maxRefusedMoveDelayMs = 30_000;

type Rule<K extends Failure['kind']> = (
  failure: Extract<Failure, { kind: K }>,
  facts: RoutingFacts,
) => Decision;

/**
 * The consumer's failure routing, one rule per kind of failure (the spirit of Rascal's recovery
 * strategies): data in, decision out, no I/O. The Consumer executes what it returns.
 */
const rules: { readonly [K in Failure['kind']]: Rule<K> } = {
  invalid: () => ({ action: 'dead-letter', kind: 'invalid' }),
  unhandled: () => ({ action: 'dead-letter', kind: 'unhandled' }),
  permanent: () => ({ action: 'dead-letter', kind: 'permanent' }),
  transient: (_, { attempt, retry }) => {
    if (attempt >= retry.maxAttempts) return { action: 'dead-letter', kind: 'exhausted' };
    const delays = retry.delaysMs;
    const delayMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
    return { action: 'retry', delayMs, nextAttempt: attempt + 1 };
  },
  deferred: ({ delayMs }, { waitDelaysMs }) => {
    // The shortest wait queue that is long enough, else the longest there is.
    const sorted = [...waitDelaysMs].sort((a, b) => a - b);
    const wait = sorted.find((ms) => ms >= delayMs) ?? sorted.at(-1);
    return wait === undefined
      ? { action: 'requeue', afterMs: delayMs }
      : { action: 'defer', delayMs: wait };
  },
  outage: () => ({ action: 'pause' }),
  'move-refused': ({ refusedInARow }) => ({
    action: 'requeue',
    afterMs: Math.min(maxRefusedMoveDelayMs, 1_000 * 2 ** Math.max(0, refusedInARow - 1)),
  }),
};

export function routeFailure(failure: Failure, facts: RoutingFacts): Decision {
  const rule = rules[failure.kind] as (failure: Failure, facts: RoutingFacts) => Decision;
  return rule(failure, facts);
}

/** What a handler's error means; `isOutage` is the consumer's outage policy (none: never). */
export function classifyFailure(error: unknown, isOutage?: (error: unknown) => boolean): Failure {
  const reason = errorMessage(error);
  if (error instanceof PermanentFailure) return { kind: 'permanent', reason };
  if (error instanceof Deferred) return { kind: 'deferred', reason, delayMs: error.delayMs };
  if (isOutage?.(error)) return { kind: 'outage', reason };
  return { kind: 'transient', reason };
}
