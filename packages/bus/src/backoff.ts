/** Exponential delays: base, base*factor, base*factor^2, ... (`count` of them). */
export function exponentialDelays(baseMs: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(baseMs * factor ** i));
}

/** Reconnect delay with full jitter, capped, so a fleet of replicas does not reconnect in lockstep. */
export function reconnectDelay(attempt: number, initialMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no listener behind on the signal. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
