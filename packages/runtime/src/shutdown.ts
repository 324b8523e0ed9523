import type { Logger } from 'pino';

/** Graceful-shutdown steps by name, run in the order written (stop intake first, flush last). */
export type ShutdownSteps = Readonly<Record<string, () => unknown>>;

/**
 * Runs every step in order. A failing step is logged by name and the rest still run, so a failed
 * HTTP close never leaves the broker connection or the store client open. Returns the failed names.
 */
export async function runShutdownSteps(steps: ShutdownSteps, logger: Logger): Promise<string[]> {
  const failed: string[] = [];
  for (const [step, run] of Object.entries(steps)) {
    try {
      await run();
    } catch (error) {
      failed.push(step);
      logger.error({ err: error, step }, 'shutdown step failed');
    }
  }
  return failed;
}

/**
 * Runs the steps once on SIGTERM/SIGINT, then exits: 0 when all succeeded within `deadlineMs`, 1
 * otherwise (Kubernetes kills the pod at its own deadline anyway; exiting first names the cause).
 */
export function onShutdown(steps: ShutdownSteps, logger: Logger, deadlineMs: number): void {
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.info({ signal, deadlineMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting with work unfinished');
      process.exit(1);
    }, deadlineMs);
    void runShutdownSteps(steps, logger).then((failed) => {
      clearTimeout(timer);
      if (failed.length === 0) logger.info({}, 'shut down cleanly');
      else logger.error({ failed }, 'shut down with failed steps');
      process.exit(failed.length === 0 ? 0 : 1);
    });
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
}
