import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { linkTokenSecretEnv, unsubscribeSecretEnv } from '@herald/auth';
import { defaultRetry, type RetryPolicy } from '@herald/contracts';
import {
  CommonEnv,
  RetryEnv,
  mongoUrlFor,
  parseEnv,
  portWithDefault,
  retryPolicyFromEnv,
} from '@herald/runtime';

/** `''` counts as unset, so an empty variable keeps the default (or the embedded outbox). */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

const milliseconds = (fallback: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().default(fallback));

export const MailerEnv = CommonEnv.extend({
  PORT: portWithDefault(3004),
  /** Messages a replica works on at once; each may hold an SMTP connection while it sends. */
  PREFETCH: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(1_000).default(10)),
  /** smtp(s)://user:pass@host:port; unset writes .eml files to MAIL_OUTBOX_DIR instead. */
  SMTP_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
      .optional(),
  ),
  /** From header of every e-mail; one line, no CR/LF (it goes into a header verbatim). */
  MAIL_FROM: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[^\r\n]+$/, 'must be one line')
      .default('Herald <no-reply@herald.local>'),
  ),
  /** Where the embedded default (no SMTP_URL) writes one .eml file per e-mail. */
  MAIL_OUTBOX_DIR: z.preprocess(
    unsetIfEmpty,
    z.string().default(join(homedir(), '.herald', 'mail')),
  ),
  /** Waits for the TCP connection; a server that never answers fails the send (and it is retried). */
  SMTP_CONNECTION_TIMEOUT_MS: milliseconds(10_000),
  /** Waits for the greeting once connected. */
  SMTP_GREETING_TIMEOUT_MS: milliseconds(10_000),
  /** Longest silence on an open connection, e.g. a server that never answers DATA. */
  SMTP_SOCKET_TIMEOUT_MS: milliseconds(10_000),
  /** Pooled connections kept open to the SMTP server. */
  SMTP_MAX_CONNECTIONS: z.preprocess(
    unsetIfEmpty,
    z.coerce.number().int().min(1).max(100).default(5),
  ),
  /**
   * E-mails a second for the whole installation, shared by every replica through the store (a
   * replica count is not known ahead under autoscaling, so the budget is not split). Unset: as
   * fast as SMTP takes them.
   */
  SMTP_RATE_PER_SECOND: z.preprocess(
    unsetIfEmpty,
    z.coerce.number().int().min(1).max(10_000).optional(),
  ),
  /** The API's public URL: base of unsubscribe, verification and password-reset links. */
  PUBLIC_URL: z.preprocess(unsetIfEmpty, z.url().default('http://localhost:3000')),
  /** Signs unsubscribe links; the API holds the same secret to check them. */
  UNSUBSCRIBE_SECRET: unsubscribeSecretEnv('UNSUBSCRIBE_SECRET'),
  /** Derives the tokens of verification and reset links from the ids events carry; the API holds it too. */
  LINK_TOKEN_SECRET: linkTokenSecretEnv('LINK_TOKEN_SECRET'),
  /** An address that also unsubscribes, offered in List-Unsubscribe beside the link when set. */
  MAIL_UNSUBSCRIBE_MAILTO: z.preprocess(unsetIfEmpty, z.email().optional()),
  ...RetryEnv.shape,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(MailerEnv, env);
  return {
    ...parsed,
    MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'mailer'),
    retry: retryPolicyFromEnv(parsed, defaultRetry),
    /** A lane's retry policy from the contract, under the same overrides (tests shorten all waits). */
    laneRetry: (policy: RetryPolicy) => retryPolicyFromEnv(parsed, policy),
  };
}
export type MailerConfig = ReturnType<typeof loadConfig>;
