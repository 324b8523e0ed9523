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

/** A PEM public key; `\n` escapes (one-line env values) are turned back into line breaks. */
const PublicKeyPem = z
  .string()
  .transform((pem) => pem.replaceAll('\\n', '\n').trim())
  .pipe(
    z
      .string()
      .regex(
        /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----$/,
        'expected a PEM public key (-----BEGIN PUBLIC KEY-----)',
      ),
  );

export const NotifierEnv = CommonEnv.extend({
  PORT: portWithDefault(3001),
  /** Messages a replica works on at once. */
  PREFETCH: z.coerce.number().int().min(1).max(1_000).default(50),
  /** The API's token-signing public key (SPKI PEM): the notifier verifies, it never signs. */
  JWT_PUBLIC_KEY: PublicKeyPem,
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
