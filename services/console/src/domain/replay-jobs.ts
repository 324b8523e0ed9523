import { createPacer } from './pacer.js';
import type { DeadLetterStore } from './ports.js';

/** A "replay all" of one service's DLQ, as the page's progress bar shows it. */
export interface ReplayProgress {
  readonly service: string;
  /** Messages in the DLQ when the replay started: the ones it replays. */
  readonly total: number;
  readonly done: number;
  readonly state: 'running' | 'finished' | 'failed';
  readonly error: string | undefined;
  readonly startedAt: Date;
  readonly finishedAt: Date | undefined;
}

export interface ReplayJobsOptions {
  readonly store: Pick<DeadLetterStore, 'depth' | 'replayOldest'>;
  readonly ratePerSecond: number;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

interface Job {
  progress: ReplayProgress;
  stopped: boolean;
  run: Promise<void>;
}

/**
 * Replays a DLQ oldest first, one message at a time at `ratePerSecond`, so the page can show how
 * far it got. Only the messages there at the start are replayed: one that fails again and comes
 * back lands behind them. One replay per service at a time.
 */
export class ReplayJobs {
  readonly #options: ReplayJobsOptions;
  readonly #jobs = new Map<string, Job>();

  constructor(options: ReplayJobsOptions) {
    this.#options = options;
  }

  progress(service: string): ReplayProgress | undefined {
    return this.#jobs.get(service)?.progress;
  }

  running(service: string): boolean {
    return this.#jobs.get(service)?.progress.state === 'running';
  }

  /** Starts a replay of the whole DLQ; false when one is already running for the service. */
  async start(service: string): Promise<boolean> {
    if (this.running(service)) return false;
    const job: Job = {
      progress: {
        service,
        total: 0,
        done: 0,
        state: 'running',
        error: undefined,
        startedAt: this.#options.now(),
        finishedAt: undefined,
      },
      stopped: false,
      run: Promise.resolve(),
    };
    this.#jobs.set(service, job);
    job.run = this.#run(job);
    return true;
  }

  /** Resolves when the service's current replay has ended. */
  async settled(service: string): Promise<void> {
    await this.#jobs.get(service)?.run;
  }

  /** Lets every running replay finish the message in hand, then stop (shutdown). */
  async stop(): Promise<void> {
    for (const job of this.#jobs.values()) job.stopped = true;
    await Promise.all([...this.#jobs.values()].map((job) => job.run));
  }

  async #run(job: Job): Promise<void> {
    const { store, now, sleep, ratePerSecond } = this.#options;
    const pacer = createPacer({ ratePerSecond, now: () => now().getTime(), sleep });
    const update = (change: Partial<ReplayProgress>) => {
      job.progress = { ...job.progress, ...change };
    };
    try {
      update({ total: await store.depth(job.progress.service) });
      while (job.progress.done < job.progress.total && !job.stopped) {
        await pacer.next();
        const replayed = await store.replayOldest(job.progress.service);
        if (replayed === 0) break; // emptied by someone else meanwhile
        update({ done: job.progress.done + replayed });
      }
      update({ state: 'finished', finishedAt: now() });
    } catch (error) {
      update({
        state: 'failed',
        error: error instanceof Error ? error.message : String(error),
        finishedAt: now(),
      });
    }
  }
}
