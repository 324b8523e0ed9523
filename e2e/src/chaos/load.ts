import { sleep } from '@herald/bus';
import type { HeraldClient } from '@herald/testkit';

/** One comment the load tried to post: what the API answered (or why no answer came). */
export interface Attempt {
  readonly marker: string;
  readonly status: number | 'no answer';
  readonly error?: string;
}

/** The text that ties a comment to its side effects; fixed width so no marker contains another. */
export const markerOf = (n: number) => `chaos-${String(n).padStart(6, '0')}`;

export interface CommentLoad {
  readonly attempts: readonly Attempt[];
  /** Holds new requests (those under way finish) until `resume`; resolves once none is under way. */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<readonly Attempt[]>;
}

/**
 * Posts comments mentioning `mentions` at about `perSecond`, from `workers` loops so one request
 * stuck behind an outage does not stop the others, spread over `authors` (one client per API
 * replica, as a load balancer would). Errors are recorded, never thrown: under faults a refused or
 * unanswered request is expected, and what counts is what the API stored.
 */
export function commentLoad(options: {
  readonly authors: readonly HeraldClient[];
  readonly taskId: string;
  readonly mentions: readonly string[];
  readonly perSecond: number;
  readonly workers?: number;
}): CommentLoad {
  const workers = options.workers ?? 4;
  const gapMs = (1_000 * workers) / options.perSecond;
  const attempts: Attempt[] = [];
  let next = 0;
  let running = true;
  let paused = false;
  let underWay = 0;
  const loop = async (offsetMs: number) => {
    await sleep(offsetMs);
    while (running) {
      if (paused) {
        await sleep(50);
        continue;
      }
      const started = Date.now();
      const n = next++;
      const marker = markerOf(n);
      const author = options.authors[n % options.authors.length]!;
      const body = `${options.mentions.map((h) => `@${h}`).join(' ')} ${marker}`;
      underWay++;
      try {
        const { status } = await author.request('POST', `/tasks/${options.taskId}/comments`, {
          body,
        });
        attempts.push({ marker, status });
      } catch (error) {
        attempts.push({ marker, status: 'no answer', error: String(error) });
      } finally {
        underWay--;
      }
      await sleep(Math.max(0, gapMs - (Date.now() - started)));
    }
  };
  const loops = Array.from({ length: workers }, (_, i) => loop((i * gapMs) / workers));
  return {
    attempts,
    async pause() {
      paused = true;
      while (underWay > 0) await sleep(50);
    },
    resume() {
      paused = false;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return attempts;
    },
  };
}
