import type { HttpServer } from './http.js';

/** A readiness check: true when the dependency it watches is usable right now. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/**
 * `/healthz` answers while the process can serve at all (liveness); `/readyz` only while every
 * dependency check passes, so a consumer that lost its broker channel is taken out of rotation.
 */
export function registerHealthRoutes(
  app: HttpServer,
  checks: Record<string, ReadinessCheck>,
): void {
  app.get('/healthz', { logLevel: 'warn' }, () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            return [name, await check()] as const;
          } catch {
            return [name, false] as const;
          }
        }),
      ),
    );
    const ready = Object.values(results).every(Boolean);
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
}

/** When a service last handled `system.heartbeat`. */
export interface HeartbeatStatus {
  readonly lastSlot: string | null;
  readonly receivedAt: string | null;
}

/** `/heartbeat`: when this service last handled `system.heartbeat` (read by the scheduler's /pipeline). */
export function registerHeartbeatRoute(
  app: HttpServer,
  status: () => Promise<HeartbeatStatus>,
): void {
  app.get('/heartbeat', { logLevel: 'warn' }, () => status());
}
