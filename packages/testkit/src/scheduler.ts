import type { RunningService } from './services.js';
import { eventually } from './wait.js';

/** What a scheduler replica's /status answers. */
export interface SchedulerStatus {
  readonly holder: string;
  readonly leader: boolean;
  readonly fencingToken: number | null;
}

/** A replica's /status, or undefined while it is stopped, paused or killed. */
export async function schedulerStatus(
  service: RunningService,
): Promise<SchedulerStatus | undefined> {
  try {
    const response = await fetch(`${service.url}/status`, { signal: AbortSignal.timeout(500) });
    return (await response.json()) as SchedulerStatus;
  } catch {
    return undefined;
  }
}

/** Waits until one of `replicas` (other than `excluding`) reports that it leads, with its token. */
export async function schedulerLeader(
  replicas: readonly RunningService[],
  options: { readonly excluding?: RunningService; readonly timeoutMs?: number } = {},
): Promise<{ service: RunningService; token: number }> {
  return eventually(
    'a scheduler leader',
    async () => {
      for (const service of replicas) {
        if (service === options.excluding) continue;
        const status = await schedulerStatus(service);
        if (status?.leader && status.fencingToken !== null) {
          return { service, token: status.fencingToken };
        }
      }
      return undefined;
    },
    options.timeoutMs,
  );
}
