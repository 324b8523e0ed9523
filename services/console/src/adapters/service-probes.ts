import { z } from 'zod';
import { sampleSum } from '../domain/prometheus.js';
import type { OutboxState, ServiceProbe, ServiceReadiness } from '../domain/ports.js';
import { getText } from './http-json.js';

const Readiness = z.object({
  status: z.string(),
  checks: z.record(z.string(), z.boolean()).default({}),
});

export interface ServiceTarget {
  readonly service: string;
  readonly url: string;
}

/** Each service's `/readyz` and, for the outbox, its `/metrics`; one that does not answer is reported so. */
export function createServiceProbe(targets: readonly ServiceTarget[]): ServiceProbe {
  return {
    readiness: () =>
      Promise.all(
        targets.map(async ({ service, url }): Promise<ServiceReadiness> => {
          try {
            const { status, text } = await getText(service, new URL('/readyz', url), {
              timeoutMs: 2_000,
            });
            const body = Readiness.safeParse(JSON.parse(text));
            const failing = body.success
              ? Object.entries(body.data.checks)
                  .filter(([, ok]) => !ok)
                  .map(([name]) => name)
              : [];
            return { service, url, status: status === 200 ? 'ready' : 'not-ready', failing };
          } catch {
            return { service, url, status: 'unreachable', failing: [] };
          }
        }),
      ),
    async outboxes() {
      const states = await Promise.all(
        targets.map(async ({ service, url }): Promise<OutboxState | undefined> => {
          const metrics = await getText(service, new URL('/metrics', url), {
            timeoutMs: 2_000,
          }).catch(() => undefined);
          if (metrics?.status !== 200) return undefined;
          const backlog = sampleSum(metrics.text, 'herald_outbox_backlog');
          if (backlog === undefined) return undefined;
          const age = sampleSum(metrics.text, 'herald_outbox_oldest_age_seconds') ?? 0;
          return { service, url, backlog, oldestAgeSeconds: age };
        }),
      );
      return states.filter((s) => s !== undefined);
    },
  };
}
