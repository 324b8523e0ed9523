// HTTP load for the API benchmarks: autocannon for throughput at saturation (its raw-socket client
// drove a bare fastify server 1.4-2x harder than an undici closed loop here, so on a 2-core machine
// the client takes less CPU from the server it measures), and an undici Pool for open-loop requests
// at a fixed rate (autocannon has no open-loop mode).
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import type { Measurement } from './harness.js';

export interface PostRequest {
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * `connections` clients each POST again as soon as the last answer arrives, for `seconds`: the
 * most the server answers at that concurrency. Every answer must be `status`; anything else fails
 * the round (a rate limit or an error would otherwise count as fast work).
 */
export async function saturate(
  request: PostRequest,
  options: { readonly connections: number; readonly seconds: number; readonly status: number },
): Promise<Measurement> {
  const result = await autocannon({
    url: new URL(request.path, request.origin).toString(),
    method: 'POST',
    headers: { ...request.headers },
    body: request.body,
    connections: options.connections,
    duration: options.seconds,
    // A request still unanswered after 30 s is a broken server, not a slow one.
    timeout: 30,
  });
  const wanted = result.statusCodeStats?.[`${options.status}`]?.count ?? 0;
  const other = Object.entries(result.statusCodeStats ?? {}).filter(
    ([code]) => code !== `${options.status}`,
  );
  if (result.errors > 0 || other.length > 0 || wanted === 0) {
    const seen = Object.entries(result.statusCodeStats ?? {}).map(
      ([code, s]) => `${code} x${s.count ?? 0}`,
    );
    throw new Error(
      `POST ${request.path}: expected only ${options.status}, got ${seen.join(', ') || 'no answers'}` +
        ` and ${result.errors} errors (${result.timeouts} timeouts)`,
    );
  }
  return {
    msgs: wanted,
    seconds: result.duration,
    details: `closed-loop p99 ${result.latency.p99} ms`,
  };
}

/**
 * POSTs `request` `count` times, one after another, each answered with `status`: a server that has
 * just started answers (and has opened its store connections) before a load test measures it.
 */
export async function answersFirst(request: PostRequest, status: number, count = 5): Promise<void> {
  const poster = openPoster(request.origin, 1);
  try {
    for (let i = 0; i < count; i++) await poster.post(request, status);
  } finally {
    await poster.close();
  }
}

export interface Poster {
  /** POSTs and reads the whole answer; throws unless the status is `status`. */
  post(request: Omit<PostRequest, 'origin'>, status: number): Promise<string>;
  close(): Promise<void>;
}

/** Keep-alive connections to one origin, up to `connections`, so a burst never waits on a connect. */
export function openPoster(origin: string, connections: number): Poster {
  const pool = new Pool(origin, { connections });
  return {
    async post({ path, headers, body }, status) {
      const response = await pool.request({ path, method: 'POST', headers: { ...headers }, body });
      const text = await response.body.text();
      if (response.statusCode !== status) {
        throw new Error(`POST ${path}: expected ${status}, got ${response.statusCode} ${text}`);
      }
      return text;
    },
    close: () => pool.close(),
  };
}

/**
 * CPU milliseconds (user + system) a process has used so far, from /proc: the servers run in
 * processes of their own, and their CPU per request says where the time goes.
 */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name, which may itself hold spaces; utime and stime are
  // fields 14 and 15, in clock ticks of 1/100 s on Linux.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
