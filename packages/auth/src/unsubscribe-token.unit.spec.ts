import { describe, expect, it } from 'vitest';
import {
  signUnsubscribeToken,
  verifyUnsubscribeToken,
  type UnsubscribeVerdict,
} from './unsubscribe-token.js';

const secret = 'a-test-secret-of-at-least-32-characters!';
const subject = { userId: '4f6e1c2a-0000-4000-8000-000000000001', kind: 'mentioned' } as const;

const reasonOf = (verdict: UnsubscribeVerdict) => (verdict.ok ? 'accepted' : verdict.reason);

/** The token with its payload replaced by `json` and the original MAC kept. */
function withPayload(token: string, json: unknown): string {
  const [, signature] = token.split('.');
  return `${Buffer.from(JSON.stringify(json)).toString('base64url')}.${signature}`;
}

describe('unsubscribe tokens', () => {
  it('round-trips the user and the kind, URL-safe', () => {
    const token = signUnsubscribeToken(secret, subject);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(secret, token)).toEqual({ ok: true, ...subject });
  });

  it('refuses a token whose kind was changed', () => {
    const token = signUnsubscribeToken(secret, subject);
    const verdict = verifyUnsubscribeToken(
      secret,
      withPayload(token, { u: subject.userId, k: 'digest' }),
    );
    expect(reasonOf(verdict)).toMatch(/wrong signature/);
  });

  it('refuses a token whose user was changed or whose MAC was altered', () => {
    const token = signUnsubscribeToken(secret, subject);
    expect(
      verifyUnsubscribeToken(secret, withPayload(token, { u: 'other', k: 'mentioned' })).ok,
    ).toBe(false);
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(verifyUnsubscribeToken(secret, flipped).ok).toBe(false);
  });

  it('refuses a token signed with another secret', () => {
    const token = signUnsubscribeToken('another-secret-of-at-least-32-characters', subject);
    expect(verifyUnsubscribeToken(secret, token).ok).toBe(false);
  });

  it('refuses a correctly signed payload that names an unknown kind', () => {
    // Signed with the real secret, so only the kind check can refuse it.
    const token = signUnsubscribeToken(secret, { userId: 'u1', kind: 'welcome' as 'digest' });
    expect(reasonOf(verifyUnsubscribeToken(secret, token))).toMatch(/no known kind/);
  });

  it('refuses malformed tokens with a reason', () => {
    for (const token of ['', 'abc', 'a.b.c', '.x', 'x.']) {
      expect(reasonOf(verifyUnsubscribeToken(secret, token))).toMatch(/malformed|signature/);
    }
  });
});
