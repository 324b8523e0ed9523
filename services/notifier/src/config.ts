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

export const NotifierEnv = CommonEnv.extend({
  PORT: portWithDefault(3001),
  /** Messages a replica works on at once. */
  PREFETCH: z.coerce.number().int().min(1).max(1_000).default(50),
  /** The API's token-signing public key (SPKI PEM): the notifier verifies, it never signs. */
  JWT_PUBLIC_KEY: pemKeyEnv('JWT_PUBLIC_KEY', 'PUBLIC KEY'),
  ...RetryEnv.shape,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(NotifierEnv, env);
  return {
    ...parsed,
    MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'notifier'),
    retry: retryPolicyFromEnv(parsed, defaultRetry),
  };
}
export type NotifierConfig = ReturnType<typeof loadConfig>;
