import { z } from 'zod';
import { IsoTime } from './common.js';

/** One firing of a schedule. The envelope id is derived from (schedule, slot), so a re-fire dedupes. */
export const ScheduleDue = z.object({
  schedule: z.string().min(1),
  slot: IsoTime,
  /** The leader's lease token when it fired: lets consumers see which leader emitted a slot. */
  fencingToken: z.number().int().nonnegative(),
});
export type ScheduleDue = z.infer<typeof ScheduleDue>;

export const SystemHeartbeat = ScheduleDue;
export type SystemHeartbeat = ScheduleDue;
