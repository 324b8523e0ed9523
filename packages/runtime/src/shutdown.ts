import type { Logger } from 'pino';

/**
 * Runs `drain` once on SIGTERM/SIGINT, then exits: 0 when it finished within `deadlineMs`, 1 when it
 * did not (Kubernetes then kills the pod anyway; exiting first makes the cause visible in logs).
 */
export function onShutdown(drain: () => Promise<void>, logger: Logger, deadlineMs: number): void {
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.info({ signal, deadlineMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting with work unfinished');
      process.exit(1);
    }, deadlineMs);
    drain().then(
      () => {
        clearTimeout(timer);
        logger.info({}, 'shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
}
