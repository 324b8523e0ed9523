import { describe, expect, it } from 'vitest';
import { presentedToken, refreshTokenTtlMs, type RefreshToken } from './refresh-token.js';

const now = new Date('2025-03-03T09:00:00Z');
const token: RefreshToken = {
  hash: 'h',
  userId: 'u',
  familyId: 'f',
  parent: 'login:f',
  createdAt: now,
  expiresAt: new Date(now.getTime() + refreshTokenTtlMs),
};

describe('presentedToken', () => {
  it('accepts a live token of a live family', () => {
    expect(presentedToken(token, false, now)).toBe('usable');
  });

  it('refuses a token that was revoked, or whose family was', () => {
    expect(presentedToken({ ...token, revokedAt: now }, false, now)).toBe('revoked');
    expect(presentedToken(token, true, now)).toBe('revoked');
  });

  it('refuses a token from its expiry instant on', () => {
    expect(presentedToken(token, false, new Date(token.expiresAt.getTime() - 1))).toBe('usable');
    expect(presentedToken(token, false, token.expiresAt)).toBe('expired');
  });
});
