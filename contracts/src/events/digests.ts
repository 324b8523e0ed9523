import { z } from 'zod';
import { Id, IsoTime, Recipient } from './common.js';

export const DigestEntry = z.object({
  type: z.string(),
  summary: z.string().max(500),
  at: IsoTime,
});

export const DigestCompiled = z.object({
  recipient: Recipient,
  day: z.iso.date(),
  workspaces: z
    .array(
      z.object({
        workspaceId: Id,
        name: z.string(),
        entries: z.array(DigestEntry).min(1),
      }),
    )
    .min(1),
});
export type DigestCompiled = z.infer<typeof DigestCompiled>;
