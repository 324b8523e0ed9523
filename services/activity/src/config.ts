import { pemKeyEnv } from '@herald/auth';
import { z } from 'zod';
import { defaultRetry } from '@herald/contracts';
import {
  CommonEnv,
  RetryEnv,
  mongoUrlFor,
  parseEnv,
  portWithDefault,
  retryPolicyFromEnv,
} from '@herald/runtime';

export const ActivityEnv = CommonEnv.extend({
  ...RetryEnv.shape,
  PORT: portWithDefault(3002),
  /** Messages a replica works on at once. */
  PREFETCH: z.coerce.number().int().min(1).max(1_000).default(50),
  /**
   * The API's token-signing public key (SPKI PEM), to verify callers. A `\n` escape stands for a
   * line break, so the key fits in a one-line variable.
   */
  JWT_PUBLIC_KEY: pemKeyEnv('JWT_PUBLIC_KEY', 'PUBLIC KEY'),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(ActivityEnv, env);
  return {
    ...parsed,
    MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'activity'),
    retry: retryPolicyFromEnv(parsed, defaultRetry),
  };
}
export type ActivityConfig = ReturnType<typeof loadConfig>;
