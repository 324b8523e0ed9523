import { reconnectDelay, sleep } from './backoff.js';

/**
 * How a consumer tells "my dependency is down" from "this message is bad". A handler failing on
 * an outage pauses the consumer instead of spending the message's attempts: a store outage longer
 * than the retry budget would otherwise dead-letter everything that arrived during it. The bus
 * knows no driver; the store package makes one from its own error classes (`storeOutage`).
 */
export interface OutagePolicy {
  /** True for an error that says the dependency cannot be reached right now. */
  readonly isOutage: (error: unknown) => boolean;
  /**
   * Resolves true once the dependency answers again; polled with backoff while paused, and asked
   * once when a handler fails with an error `isOutage` does not recognise.
   */
  readonly probe: () => Promise<boolean>;
  /** First wait before probing; doubles per failed probe (with jitter) up to `probeMaxMs`. */
  readonly probeInitialMs?: number;
  readonly probeMaxMs?: number;
}

/** Probes until the dependency answers (true) or `signal` aborts (false). */
export async function waitForRecovery(policy: OutagePolicy, signal: AbortSignal): Promise<boolean> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    await sleep(
      reconnectDelay(attempt, policy.probeInitialMs ?? 500, policy.probeMaxMs ?? 10_000),
      signal,
    );
    if (signal.aborted) break;
    if (await policy.probe().catch(() => false)) return true;
  }
  return false;
}
