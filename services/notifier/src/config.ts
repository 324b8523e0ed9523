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
  /** A stream reconnecting with Last-Event-ID gets at most this many missed notifications. */
  STREAM_REPLAY_LIMIT: z.coerce.number().int().min(1).max(1_000).default(100),
  /** How often each replica writes which users stream on it (one document per replica). */
  PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(30_000).default(10_000),
  /** A replica silent this long (killed, cut off) stops counting in presence. */
  PRESENCE_EXPIRY_MS: z.coerce.number().int().min(100).max(60_000).default(30_000),
  ...RetryEnv.shape,
}).refine((env) => env.PRESENCE_EXPIRY_MS > env.PRESENCE_HEARTBEAT_MS, {
  message: 'PRESENCE_EXPIRY_MS must be longer than PRESENCE_HEARTBEAT_MS',
  path: ['PRESENCE_EXPIRY_MS'],
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
