import { z } from 'zod';
import type { TraceSource } from '../domain/ports.js';
import { getJson } from './http-json.js';

const Trace = z.object({
  traceID: z.string(),
  spans: z.array(
    z.object({
      spanID: z.string(),
      operationName: z.string(),
      processID: z.string(),
      startTime: z.number(),
      duration: z.number(),
      references: z.array(z.object({ refType: z.string(), spanID: z.string() })).default([]),
    }),
  ),
  processes: z.record(z.string(), z.object({ serviceName: z.string() })),
});
const Traces = z.object({ data: z.array(Trace).nullable() });

/** Jaeger's query API (`GET /api/traces/{id}`), which its own UI reads too. */
export function createJaegerApi(queryUrl: string): TraceSource {
  return {
    async trace(traceId) {
      const url = new URL(`/api/traces/${encodeURIComponent(traceId)}`, queryUrl);
      const body = await getJson('Jaeger', url, Traces);
      return body?.data?.[0];
    },
  };
}
