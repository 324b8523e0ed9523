import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A signed-in browser: the nonce its CSRF token is derived from, and when it must sign in again. */
export interface Session {
  readonly id: string;
  readonly expiresAt: number;
}

const sameText = (a: string, b: string) =>
  // Hashing first gives equal lengths, so the comparison time says nothing about the input.
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * Stateless sessions signed with a key derived from the operator token: nothing to store, a
 * restart keeps everyone signed in, and changing CONSOLE_TOKEN signs every browser out.
 * Cookie value: `v1.<expiresAt ms>.<nonce>.<HMAC of the rest>`.
 */
export function createSessions(options: {
  readonly token: string;
  readonly ttlMs: number;
  readonly now: () => number;
}) {
  const key = createHmac('sha256', options.token).update('herald-console/session').digest();
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url');

  return {
    /** Whether `candidate` is the operator token. */
    isOperatorToken: (candidate: string) => sameText(candidate, options.token),

    issue(): { session: Session; cookie: string } {
      const session = {
        id: randomBytes(18).toString('base64url'),
        expiresAt: options.now() + options.ttlMs,
      };
      const body = `v1.${session.expiresAt}.${session.id}`;
      return { session, cookie: `${body}.${mac(body)}` };
    },

    /** The session a cookie value stands for, or undefined when forged, garbled or expired. */
    verify(cookie: string | undefined): Session | undefined {
      const parts = cookie?.split('.');
      if (parts?.length !== 4 || parts[0] !== 'v1') return undefined;
      const [, expires, id, signature] = parts as [string, string, string, string];
      if (!sameText(signature, mac(`v1.${expires}.${id}`))) return undefined;
      const expiresAt = Number(expires);
      if (!Number.isSafeInteger(expiresAt) || expiresAt <= options.now()) return undefined;
      return { id, expiresAt };
    },

    /** The CSRF token of a session (or of a sign-in form's nonce): an HMAC no other site can compute. */
    csrfToken: (purpose: 'session' | 'sign-in', nonce: string) => mac(`csrf.${purpose}.${nonce}`),

    checkCsrf: (purpose: 'session' | 'sign-in', nonce: string, candidate: unknown) =>
      typeof candidate === 'string' && sameText(candidate, mac(`csrf.${purpose}.${nonce}`)),

    newNonce: () => randomBytes(18).toString('base64url'),
  };
}
export type Sessions = ReturnType<typeof createSessions>;
