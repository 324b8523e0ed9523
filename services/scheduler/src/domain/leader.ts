import type { Logger } from '@herald/runtime';
import type { Lease, LeaseStore } from './ports.js';

export interface LeaderOptions {
  readonly holder: string;
  readonly store: LeaseStore;
  readonly ttlMs: number;
  readonly renewMs: number;
  /** Stop leading this long before the lease runs out, to absorb clock drift and slow writes. */
  readonly safetyMs: number;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly onAcquired?: (lease: Lease) => void | Promise<void>;
}

/**
 * Lease-based leader election on the store. Leading is judged locally against the lease expiry, so
 * a leader that cannot renew (store down, process paused) stops at once when the lease runs out,
 * even before it learns that someone else took over.
 */
export class LeaderElector {
  readonly #options: LeaderOptions;
  #lease: Lease | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #acquisitions = 0;

  constructor(options: LeaderOptions) {
    this.#options = options;
  }

  leading(): boolean {
    const lease = this.#lease;
    return (
      lease !== undefined &&
      this.#options.now().getTime() < lease.expiresAt.getTime() - this.#options.safetyMs
    );
  }

  get lease(): Lease | undefined {
    return this.#lease;
  }

  /** How many times this replica became leader. */
  get acquisitions(): number {
    return this.#acquisitions;
  }

  start(): void {
    const loop = async () => {
      await this.step();
      if (!this.#stopped) this.#timer = setTimeout(() => void loop(), this.#options.renewMs);
    };
    void loop();
  }

  /** One round: renew if leading, else try to take the lease. */
  async step(): Promise<void> {
    const { store, holder, ttlMs, logger } = this.#options;
    const now = this.#options.now();
    try {
      if (this.#lease) {
        const renewed = await store.renew(this.#lease, now, ttlMs);
        if (renewed) {
          this.#lease = renewed;
          return;
        }
        logger.warn({ token: this.#lease.token }, 'lost leadership');
        this.#lease = undefined;
      }
      const acquired = await store.acquire(holder, now, ttlMs);
      if (acquired) {
        this.#lease = acquired;
        this.#acquisitions++;
        logger.info({ token: acquired.token }, 'became leader');
        await this.#options.onAcquired?.(acquired);
      }
    } catch (error) {
      // Cannot prove we still lead: stop now rather than risk a second leader.
      if (this.#lease) logger.error({ err: error }, 'lease store unreachable; stepping down');
      this.#lease = undefined;
    }
  }

  /** A fenced renewal right before a side effect: true only if the lease is still ours. */
  async confirm(): Promise<boolean> {
    if (!this.#lease || !this.leading()) return false;
    try {
      this.#lease = await this.#options.store.renew(
        this.#lease,
        this.#options.now(),
        this.#options.ttlMs,
      );
    } catch {
      this.#lease = undefined;
    }
    return this.#lease !== undefined;
  }

  /** Stops electing; a graceful stop hands the lease over at once instead of after its TTL. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const lease = this.#lease;
    this.#lease = undefined;
    if (lease) await this.#options.store.release(lease).catch(() => undefined);
  }
}
