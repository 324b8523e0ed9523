import { z } from 'zod';
import { UpstreamError } from '../domain/errors.js';
import type { SchedulerSource } from '../domain/ports.js';
import { getJson } from './http-json.js';

const Status = z.object({
  schedules: z.array(
    z.object({
      name: z.string(),
      cron: z.string(),
      timezone: z.string(),
      misfire: z.string(),
      nextFireAt: z.string().nullable(),
    }),
  ),
});
const Slots = z.object({
  slots: z.array(
    z.object({
      slot: z.string(),
      fencingToken: z.number(),
      claimedAt: z.string(),
      published: z.boolean(),
      publishedAt: z.string().nullable(),
    }),
  ),
});
const Leadership = z.object({
  lease: z
    .object({
      holder: z.string(),
      fencingToken: z.number(),
      since: z.string().nullable(),
      expiresAt: z.string(),
      live: z.boolean(),
    })
    .nullable(),
  changes: z.array(z.object({ holder: z.string(), fencingToken: z.number(), since: z.string() })),
});
const Pipeline = z.object({
  consumers: z.array(
    z.object({
      service: z.string(),
      status: z.string(),
      lastSlot: z.string().nullable(),
      lagSeconds: z.number().nullable(),
    }),
  ),
});

/**
 * The scheduler's HTTP API. Every replica answers from the shared store, so the first of `urls`
 * that answers will do: in Kubernetes that is the one Service, locally each replica's port.
 */
export function createSchedulerApi(urls: readonly string[]): SchedulerSource {
  async function read<S extends z.ZodType>(
    path: string,
    schema: S,
    timeoutMs = 2_000,
  ): Promise<z.infer<S>> {
    let failure: unknown = new UpstreamError('no scheduler URL is configured (SERVICE_URLS)');
    for (const url of urls) {
      try {
        const body = await getJson('scheduler', new URL(path, url), schema, { timeoutMs });
        if (body === undefined) throw new UpstreamError(`scheduler has no ${path}`);
        return body;
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }
  return {
    schedules: async () => (await read('/status', Status)).schedules,
    slots: async (schedule, limit) =>
      (await read(`/schedules/${encodeURIComponent(schedule)}/slots?limit=${limit}`, Slots)).slots,
    leadership: (limit) => read(`/leadership?limit=${limit}`, Leadership),
    // The scheduler asks every consumer in turn (2 s each at most) before it answers.
    pipeline: async () => (await read('/pipeline', Pipeline, 6_000)).consumers,
  };
}
