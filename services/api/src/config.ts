import { pemKeyEnv, unsubscribeSecretEnv } from '@herald/auth';
import { z } from 'zod';
import { CommonEnv, mongoUrlFor, parseEnv, portWithDefault } from '@herald/runtime';

export const ApiEnv = CommonEnv.extend({
  PORT: portWithDefault(3000),
  /** Base of links put into e-mails (invite accept links). */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  /** Signs access tokens; only the API holds it. */
  JWT_PRIVATE_KEY: pemKeyEnv('JWT_PRIVATE_KEY', 'PRIVATE KEY'),
  /** Verifies access tokens on the API's own routes. */
  JWT_PUBLIC_KEY: pemKeyEnv('JWT_PUBLIC_KEY', 'PUBLIC KEY'),
  /** Signs and checks one-click unsubscribe links; the mailer holds the same secret. */
  UNSUBSCRIBE_SECRET: unsubscribeSecretEnv('UNSUBSCRIBE_SECRET'),
  /** Requests per minute per client IP on every route; raise it for load tests. */
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(300),
  /** Requests per minute per client IP on /auth/* together; by default a fifteenth of the above. */
  RATE_LIMIT_AUTH_MAX: z.coerce.number().int().positive().optional(),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(ApiEnv, env);
  return {
    ...parsed,
    MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'api'),
    RATE_LIMIT_AUTH_MAX:
      parsed.RATE_LIMIT_AUTH_MAX ?? Math.max(1, Math.floor(parsed.RATE_LIMIT_MAX / 15)),
  };
}
export type ApiConfig = ReturnType<typeof loadConfig>;
