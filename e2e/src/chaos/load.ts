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

/**
 * Posts comments mentioning `mentions` at about `perSecond`, from `workers` loops so one request
 * stuck behind an outage does not stop the others. Errors are recorded, never thrown: under faults
 * a refused or unanswered request is expected, and what counts is what the API stored.
 */
export function commentLoad(options: {
  readonly author: HeraldClient;
  readonly taskId: string;
  readonly mentions: readonly string[];
  readonly perSecond: number;
  readonly workers?: number;
}): { readonly attempts: readonly Attempt[]; stop(): Promise<readonly Attempt[]> } {
  const workers = options.workers ?? 4;
  const gapMs = (1_000 * workers) / options.perSecond;
  const attempts: Attempt[] = [];
  let next = 0;
  let running = true;
  const loop = async (offsetMs: number) => {
    await sleep(offsetMs);
    while (running) {
      const started = Date.now();
      const marker = markerOf(next++);
      const body = `${options.mentions.map((h) => `@${h}`).join(' ')} ${marker}`;
      try {
        const { status } = await options.author.request(
          'POST',
          `/tasks/${options.taskId}/comments`,
          { body },
        );
        attempts.push({ marker, status });
      } catch (error) {
        attempts.push({ marker, status: 'no answer', error: String(error) });
      }
      await sleep(Math.max(0, gapMs - (Date.now() - started)));
    }
  };
  const loops = Array.from({ length: workers }, (_, i) => loop((i * gapMs) / workers));
  return {
    attempts,
    async stop() {
      running = false;
      await Promise.all(loops);
      return attempts;
    },
  };
}
