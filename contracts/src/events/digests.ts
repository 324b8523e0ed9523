import { z } from 'zod';
import { Id, IsoTime, Recipient } from './common.js';

export const DigestEntry = z.object({
  type: z.string(),
  summary: z.string().max(500),
  at: IsoTime,
});

/** A digest lists at most this many entries of a workspace, the oldest first, then "and M more". */
export const digestEntriesPerWorkspace = 20;
/** …and at most this many workspaces, then "and K more workspaces": a digest stays far below 1 MiB. */
export const digestWorkspacesPerRecipient = 25;

export const DigestCompiled = z.object({
  recipient: Recipient,
  day: z.iso.date(),
  workspaces: z
    .array(
      z.object({
        workspaceId: Id,
        name: z.string(),
        entries: z.array(DigestEntry).min(1).max(digestEntriesPerWorkspace),
        /** Entries of the period left out beyond the first ones. */
        more: z.number().int().min(0).default(0),
      }),
    )
    .min(1)
    .max(digestWorkspacesPerRecipient),
  /** Workspaces with news left out beyond the listed ones. */
  moreWorkspaces: z.number().int().min(0).default(0),
});
export type DigestCompiled = z.infer<typeof DigestCompiled>;
