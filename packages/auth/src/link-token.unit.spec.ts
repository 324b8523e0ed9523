import { describe, expect, it } from 'vitest';
import { LinkTokenString, linkToken } from './link-token.js';

const secret = 'a-test-secret-of-at-least-32-characters!';
const id = '4f6e1c2a-0000-4000-8000-000000000001';

describe('link tokens', () => {
  it('derives the same URL-safe 43-character token from the same secret, purpose and id', () => {
    const token = linkToken(secret, 'verify-email', id);
    expect(token).toBe(linkToken(secret, 'verify-email', id));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(LinkTokenString.safeParse(token).success).toBe(true);
  });

  it('gives another token for another purpose, id or secret', () => {
    const token = linkToken(secret, 'verify-email', id);
    expect(linkToken(secret, 'reset-password', id)).not.toBe(token);
    expect(linkToken(secret, 'verify-email', `${id}2`)).not.toBe(token);
    expect(linkToken('another-secret-of-at-least-32-characters', 'verify-email', id)).not.toBe(
      token,
    );
  });

  it('is not the id, nor an HMAC of the id without the purpose and label', async () => {
    const { createHmac } = await import('node:crypto');
    const token = linkToken(secret, 'verify-email', id);
    expect(token).not.toContain(id);
    expect(token).not.toBe(createHmac('sha256', secret).update(id).digest('base64url'));
    expect(token).not.toBe(
      createHmac('sha256', secret).update(`verify-email:${id}`).digest('base64url'),
    );
  });

  it('refuses strings that are not a token in route schemas', () => {
    for (const bad of ['', 'abc', `${'a'.repeat(42)}=`, 'a'.repeat(44), `${'a'.repeat(42)}/`]) {
      expect(LinkTokenString.safeParse(bad).success).toBe(false);
    }
  });
});
