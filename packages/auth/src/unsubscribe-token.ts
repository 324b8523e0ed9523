import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PreferenceKind } from '@herald/contracts';

/**
 * One-click unsubscribe tokens (RFC 8058): `<payload>.<mac>`, both base64url, the payload naming
 * the user and the kind, the MAC an HMAC-SHA256 under a secret the API and the mailer share. No
 * expiry: an unsubscribe link must keep working as long as the e-mail is in someone's inbox, and
 * the worst it can do is turn one kind of e-mail off for the one user it names.
 */
export interface UnsubscribeSubject {
  readonly userId: string;
  readonly kind: PreferenceKind;
}

export type UnsubscribeVerdict =
  ({ readonly ok: true } & UnsubscribeSubject) | { readonly ok: false; readonly reason: string };

/** The MAC covers a label too, so a MAC made with the same secret for anything else never fits. */
const label = 'herald-unsubscribe.v1.';

const Payload = z.strictObject({ u: z.string().min(1).max(64), k: PreferenceKind });

/** The shared secret as an env variable: at least 32 characters (e.g. `openssl rand -base64 32`). */
export function unsubscribeSecretEnv(name: string) {
  return z
    .string({ error: () => `${name} is required: the secret that signs unsubscribe links` })
    .min(32, `${name} must be at least 32 characters`);
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret)
    .update(label + payload)
    .digest();
}

export function signUnsubscribeToken(secret: string, subject: UnsubscribeSubject): string {
  const payload = Buffer.from(JSON.stringify({ u: subject.userId, k: subject.kind })).toString(
    'base64url',
  );
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeVerdict {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    return { ok: false, reason: 'the unsubscribe token is malformed' };
  }
  const [payload, signature] = parts;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the unsubscribe token is not valid (wrong signature)' };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the unsubscribe token is malformed' };
  }
  const parsed = Payload.safeParse(decoded);
  if (!parsed.success) return { ok: false, reason: 'the unsubscribe token names no known kind' };
  return { ok: true, userId: parsed.data.u, kind: parsed.data.k };
}
