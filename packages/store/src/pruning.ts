import { errorMessage, type Logger } from '@herald/bus';

/** A record that can forget its entries older than a date; resolves with how many it deleted. */
export interface Prunable {
  prune(before: Date): Promise<number>;
}

/**
 * How long a consumer remembers the events it processed. Duplicates come from broker redelivery
 * (minutes) and from an outbox relay that published and crashed before recording it (the relay
 * never publishes an event older than half its own retention, which is this too), so a record
 * this old can no longer meet its event again.
 */
export const processedEventsKeptMs = 30 * 24 * 3_600_000;

export interface PruningOptions {
  /** The records to prune, by the name the logs give them. */
  readonly records: Readonly<Record<string, Prunable>>;
  /** Entries older than this are deleted. */
  readonly keepMs: number;
  readonly everyMs?: number;
  readonly logger: Logger;
  /** Prune only while this holds (the scheduler prunes on its leader alone). */
  readonly when?: () => boolean;
}

/**
 * Prunes every `everyMs` (an hour by default), the first time one period after the start, so a
 * service that restarts often does not add a scan of its records to every start. Replicas may
 * prune the same record at once: deleting what is already gone is harmless.
 */
export function startPruning(options: PruningOptions): { stop(): Promise<void> } {
  const everyMs = options.everyMs ?? 3_600_000;
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One round at a time: a scan still going when the next is due makes the next one skip.
    if (running || (options.when && !options.when())) return;
    running = pruneAll(options).finally(() => {
      running = undefined;
    });
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

async function pruneAll(options: PruningOptions): Promise<void> {
  const before = new Date(Date.now() - options.keepMs);
  for (const [name, record] of Object.entries(options.records)) {
    try {
      const deleted = await record.prune(before);
      if (deleted > 0) options.logger.info({ record: name, deleted, before }, 'pruned');
    } catch (error) {
      // The next round tries again; meanwhile the record only grows.
      options.logger.warn({ record: name, err: errorMessage(error) }, 'prune failed');
    }
  }
}
