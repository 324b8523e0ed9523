import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies.js';
import { createSessions } from './session.js';

const token = 'operator-token-'.padEnd(40, 'x');

function sessions(now = () => 1_000_000, operatorToken = token) {
  return createSessions({ token: operatorToken, ttlMs: 60_000, now });
}

describe('sessions', () => {
  it('recognises only the operator token', () => {
    expect(sessions().isOperatorToken(token)).toBe(true);
    expect(sessions().isOperatorToken(`${token}y`)).toBe(false);
    expect(sessions().isOperatorToken('')).toBe(false);
  });

  it('verifies a cookie it issued until it expires', () => {
    let time = 1_000_000;
    const s = sessions(() => time);
    const { session, cookie } = s.issue();
    expect(s.verify(cookie)).toEqual(session);
    time += 59_999;
    expect(s.verify(cookie)).toEqual(session);
    time += 1;
    expect(s.verify(cookie)).toBeUndefined();
  });

  it('refuses a forged, altered or garbled cookie, and one signed under another token', () => {
    const s = sessions();
    const { cookie } = s.issue();
    const [v, expires, id, mac] = cookie.split('.');
    expect(s.verify(`${v}.${Number(expires) + 1}.${id}.${mac}`)).toBeUndefined();
    expect(s.verify(`${v}.${expires}.other.${mac}`)).toBeUndefined();
    expect(s.verify(`${v}.${expires}.${id}.${mac}x`)).toBeUndefined();
    expect(s.verify('v1.1.2')).toBeUndefined();
    expect(s.verify(undefined)).toBeUndefined();
    expect(
      sessions(undefined, 'another-operator-token'.padEnd(40, 'y')).verify(cookie),
    ).toBeUndefined();
  });

  it('gives each session and each purpose its own CSRF token', () => {
    const s = sessions();
    const a = s.issue().session;
    const b = s.issue().session;
    const tokenA = s.csrfToken('session', a.id);
    expect(s.checkCsrf('session', a.id, tokenA)).toBe(true);
    expect(s.checkCsrf('session', b.id, tokenA)).toBe(false);
    expect(s.checkCsrf('sign-in', a.id, tokenA)).toBe(false);
    expect(s.checkCsrf('session', a.id, undefined)).toBe(false);
    expect(s.checkCsrf('session', a.id, [tokenA])).toBe(false);
  });
});

describe('cookies', () => {
  it('reads a Cookie header, skipping malformed pairs', () => {
    expect(parseCookies('a=1; b=x%20y; junk; =v; c=%E0')).toEqual({ a: '1', b: 'x y', c: '%E0' });
    expect(parseCookies(undefined)).toEqual({});
  });

  it('writes HttpOnly, SameSite=Strict cookies, Secure when asked', () => {
    expect(serializeCookie('s', 'a b', { maxAgeSeconds: 60.5, secure: false })).toBe(
      's=a%20b; Path=/; Max-Age=60; HttpOnly; SameSite=Strict',
    );
    expect(serializeCookie('s', '', { maxAgeSeconds: -1, secure: true })).toBe(
      's=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure',
    );
  });
});
