import type { z } from 'zod';
import { UpstreamError } from '../domain/errors.js';

export interface GetOptions {
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
}

/** `url` with its user and password moved into a Basic authorization header. */
export function withoutCredentials(url: string): { base: URL; headers: Record<string, string> } {
  const base = new URL(url);
  const headers: Record<string, string> = {};
  if (base.username) {
    const user = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  base.username = '';
  base.password = '';
  return { base, headers };
}

async function get(name: string, url: URL, options: GetOptions): Promise<Response> {
  try {
    return await fetch(url, {
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
    });
  } catch (error) {
    // fetch's own message is only "fetch failed"; the cause says what (ECONNREFUSED, a timeout).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new UpstreamError(`${name} did not answer (${url.origin}): ${reason}`);
  }
}

/** GETs JSON and validates it; 404 gives undefined, any other failure an UpstreamError. */
export async function getJson<S extends z.ZodType>(
  name: string,
  url: URL,
  schema: S,
  options: GetOptions = {},
): Promise<z.infer<S> | undefined> {
  const response = await get(name, url, options);
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new UpstreamError(`${name} answered ${response.status} for ${url.pathname}`);
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new UpstreamError(`${name} sent an unexpected answer for ${url.pathname}`);
  }
  return parsed.data;
}

/** GETs a body as text with its status; network failures give an UpstreamError. */
export async function getText(
  name: string,
  url: URL,
  options: GetOptions = {},
): Promise<{ status: number; text: string }> {
  const response = await get(name, url, options);
  return { status: response.status, text: await response.text() };
}
