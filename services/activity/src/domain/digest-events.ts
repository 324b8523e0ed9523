import { slotEventId, type DigestCompiled } from '@herald/contracts';
import type { Digest } from './digest.js';

/** The window a daily digest covers: the 24 hours before its slot. */
export function digestWindow(slot: Date): { since: Date; until: Date } {
  return { since: new Date(slot.getTime() - 24 * 3_600_000), until: slot };
}

/**
 * One `digest.compiled` per digest whose recipient has a known e-mail. The id is derived from
 * (recipient, slot), so compiling the same slot again (a redelivery, a second leader) dedupes
 * downstream instead of mailing twice.
 */
export function digestEvents(
  digests: readonly Digest[],
  slot: Date,
): { id: string; data: DigestCompiled }[] {
  const day = new Date(slot.getTime() - 1).toISOString().slice(0, 10);
  return digests.flatMap(({ recipient, workspaces, moreWorkspaces }) =>
    recipient.email === undefined
      ? []
      : [
          {
            id: slotEventId(`daily-digest:${recipient.userId}`, slot),
            data: {
              recipient: { userId: recipient.userId, email: recipient.email, name: recipient.name },
              day,
              workspaces: workspaces.map((w) => ({
                workspaceId: w.workspaceId,
                name: w.name,
                entries: w.entries.map((e) => ({
                  type: e.type,
                  summary: e.summary,
                  at: e.at.toISOString(),
                })),
                more: w.more,
              })),
              moreWorkspaces,
            },
          },
        ],
  );
}
