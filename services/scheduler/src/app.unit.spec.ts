import { describe, expect, it } from 'vitest';
import { createLogger } from '@herald/runtime';
import { buildApp, type SchedulerAppDeps } from './app.js';
import { createSchedulerMetrics } from './metrics.js';

const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

function app(overrides: Partial<SchedulerAppDeps> = {}) {
  return buildApp({
    logger: createLogger('scheduler', 'silent'),
    metrics: createSchedulerMetrics(),
    readiness: {},
    status: () => ({
      holder: 'r1',
      leader: false,
      fencingToken: null,
      leaseExpiresAt: null,
      slotsFired: 0,
      schedules: [
        {
          name: 'heartbeat',
          cron: '* * * * *',
          timezone: 'UTC',
          misfire: 'skip',
          nextFireAt: null,
          lastSlot: null,
        },
      ],
    }),
    pipeline: async () => [],
    leadership: async () => ({ lease: undefined, terms: [] }),
    recentSlots: async () => [],
    now: () => t(30),
    ...overrides,
  });
}

describe('scheduler HTTP API', () => {
  it('answers GET /leadership with the stored lease, whether it is live, and the changes of hands', async () => {
    const limits: number[] = [];
    const response = await app({
      leadership: async (limit) => {
        limits.push(limit);
        return {
          lease: { holder: 'r2', token: 4, expiresAt: t(40), since: t(10) },
          terms: [
            { holder: 'r2', token: 4, since: t(10) },
            { holder: 'r1', token: 3, since: t(0) },
          ],
        };
      },
    }).inject('/leadership?limit=5');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      lease: {
        holder: 'r2',
        fencingToken: 4,
        since: t(10).toISOString(),
        expiresAt: t(40).toISOString(),
        live: true,
      },
      changes: [
        { holder: 'r2', fencingToken: 4, since: t(10).toISOString() },
        { holder: 'r1', fencingToken: 3, since: t(0).toISOString() },
      ],
    });
    expect(limits).toEqual([5]);
  });

  it('reports an expired lease as not live, and no lease as null', async () => {
    const expired = await app({
      leadership: async () => ({
        lease: { holder: 'r1', token: 1, expiresAt: t(20), since: null },
        terms: [],
      }),
    }).inject('/leadership');
    expect(expired.json()).toMatchObject({ lease: { live: false, since: null } });
    expect((await app().inject('/leadership')).json()).toEqual({ lease: null, changes: [] });
  });

  it("answers GET /schedules/:name/slots with the schedule's latest ledger entries", async () => {
    const response = await app({
      recentSlots: async (schedule, limit) =>
        schedule === 'heartbeat' && limit === 20
          ? [
              {
                schedule,
                slot: t(2),
                token: 4,
                published: true,
                claimedAt: t(2),
                publishedAt: t(3),
              },
            ]
          : [],
    }).inject('/schedules/heartbeat/slots');

    expect(response.json()).toEqual({
      schedule: 'heartbeat',
      slots: [
        {
          slot: t(2).toISOString(),
          fencingToken: 4,
          claimedAt: t(2).toISOString(),
          published: true,
          publishedAt: t(3).toISOString(),
        },
      ],
    });
  });

  it('refuses an unknown schedule with 404 and a bad limit with 400', async () => {
    const unknown = await app().inject('/schedules/nope/slots');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'HERALD_NOT_FOUND' });
    expect((await app().inject('/schedules/heartbeat/slots?limit=0')).statusCode).toBe(400);
    expect((await app().inject('/leadership?limit=lots')).statusCode).toBe(400);
  });
});
