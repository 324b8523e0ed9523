import { linkTokenSecretEnv, pemKeyEnv, unsubscribeSecretEnv } from '@herald/auth';
import { z } from 'zod';
import { CommonEnv, TrustProxyEnv, mongoUrlFor, parseEnv, portWithDefault } from '@herald/runtime';

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
  /**
   * Derives the tokens of e-mail verification and password-reset links from their ids; the mailer
   * holds the same secret. Apart from UNSUBSCRIBE_SECRET: a reset link takes over an account.
   */
  LINK_TOKEN_SECRET: linkTokenSecretEnv('LINK_TOKEN_SECRET'),
  /** Requests per minute per client IP on every route; raise it for load tests. */
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(300),
  /** Requests per minute per client IP on /auth/* but refresh; by default a fifteenth of the above. */
  RATE_LIMIT_AUTH_MAX: z.coerce.number().int().positive().optional(),
  /** Refreshes per minute per client IP; by default four times the /auth/* budget. */
  RATE_LIMIT_REFRESH_MAX: z.coerce.number().int().positive().optional(),
  /** Login attempts per minute per account, from any address; by default half the /auth/* budget, at least 10. */
  RATE_LIMIT_LOGIN_PER_ACCOUNT_MAX: z.coerce.number().int().positive().optional(),
  /** The proxies in front of the API (the chart sets its Ingress hop): a hop count or CIDRs. */
  TRUST_PROXY: TrustProxyEnv,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(ApiEnv, env);
  const authMax = parsed.RATE_LIMIT_AUTH_MAX ?? Math.max(1, Math.floor(parsed.RATE_LIMIT_MAX / 15));
  return {
    ...parsed,
    MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'api'),
    RATE_LIMIT_AUTH_MAX: authMax,
    RATE_LIMIT_REFRESH_MAX: parsed.RATE_LIMIT_REFRESH_MAX ?? authMax * 4,
    RATE_LIMIT_LOGIN_PER_ACCOUNT_MAX:
      parsed.RATE_LIMIT_LOGIN_PER_ACCOUNT_MAX ?? Math.max(10, Math.floor(authMax / 2)),
  };
}
export type ApiConfig = ReturnType<typeof loadConfig>;
