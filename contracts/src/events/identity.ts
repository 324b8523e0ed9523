import { z } from 'zod';
import { Handle, Id } from './common.js';

export const UserRegistered = z.object({
  userId: Id,
  email: z.email(),
  name: z.string().min(1).max(200),
  handle: Handle,
});
export type UserRegistered = z.infer<typeof UserRegistered>;
